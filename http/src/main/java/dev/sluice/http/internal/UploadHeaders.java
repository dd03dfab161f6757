package dev.sluice.http.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parsing of the resumable-upload headers of tus 1.0 and the IETF draft: structured-field integers
 * and booleans (RFC 9651), tus {@code Upload-Metadata} and {@code Upload-Checksum}. Every refusal
 * is a 400 naming the header and the rule.
 */
final class UploadHeaders {

  private static final Pattern DIGITS = Pattern.compile("[0-9]{1,15}");
  private static final Pattern METADATA_KEY = Pattern.compile("[!-~&&[^,]]+");
  private static final Pattern MEDIA_TYPE =
      Pattern.compile("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+");

  private UploadHeaders() {}

  /**
   * A non-negative integer header ({@code Upload-Offset}, {@code Upload-Length}), or -1 when
   * absent.
   *
   * @throws HttpProblem 400 when present but not a non-negative integer of at most 15 digits
   */
  static long integer(String name, String value) {
    if (value == null) {
      return -1;
    }
    String v = value.trim();
    if (!DIGITS.matcher(v).matches()) {
      throw new HttpProblem(
          400, name + " must be a non-negative integer of at most 15 digits: " + printable(value));
    }
    return Long.parseLong(v);
  }

  /**
   * A structured-field boolean ({@code ?1} or {@code ?0}), or null when absent.
   *
   * @throws HttpProblem 400 when present with another value
   */
  static Boolean bool(String name, String value) {
    if (value == null) {
      return null;
    }
    return switch (value.trim()) {
      case "?1" -> Boolean.TRUE;
      case "?0" -> Boolean.FALSE;
      default ->
          throw new HttpProblem(
              400, name + " must be the structured boolean ?1 or ?0: " + printable(value));
    };
  }

  /**
   * Checks tus {@code Upload-Metadata}: comma-separated {@code key base64value} pairs (the value
   * may be absent), keys unique and without spaces or commas.
   *
   * @throws HttpProblem 400 naming the pair that breaks the rule
   */
  static void checkMetadata(String metadata) {
    if (metadata == null || metadata.isBlank()) {
      return;
    }
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (String pair : metadata.split(",", -1)) {
      String[] parts = pair.trim().split(" ", -1);
      if (parts.length > 2 || !METADATA_KEY.matcher(parts[0]).matches()) {
        throw new HttpProblem(
            400, "Upload-Metadata pairs must be 'key base64value': " + printable(pair));
      }
      if (!keys.add(parts[0])) {
        throw new HttpProblem(400, "Upload-Metadata repeats the key " + printable(parts[0]));
      }
      if (parts.length == 2) {
        try {
          Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
          throw new HttpProblem(
              400, "Upload-Metadata value of " + printable(parts[0]) + " is not base64");
        }
      }
    }
  }

  /**
   * The media type tus clients put in {@code Upload-Metadata} ({@code filetype} or {@code
   * contentType}), if it is a plain {@code type/subtype}; otherwise null.
   */
  static String mediaTypeOf(String metadata) {
    if (metadata == null) {
      return null;
    }
    for (String pair : metadata.split(",")) {
      String[] parts = pair.trim().split(" ");
      if (parts.length == 2 && (parts[0].equals("filetype") || parts[0].equals("contentType"))) {
        String type = new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        if (MEDIA_TYPE.matcher(type).matches()) {
          return type;
        }
      }
    }
    return null;
  }

  /** A tus {@code Upload-Checksum}: the algorithm and the expected digest in hex. */
  record Checksum(String algorithm, String hex) {}

  /** The algorithms tus {@code Upload-Checksum} may name here, sha1 first (the mandatory one). */
  static final String CHECKSUM_ALGORITHMS = "sha1,sha256,md5";

  /**
   * Parses tus {@code Upload-Checksum: ALGORITHM BASE64}, or null when absent.
   *
   * @throws HttpProblem 400 for an algorithm not in {@link #CHECKSUM_ALGORITHMS} or a malformed
   *     value
   */
  static Checksum checksum(String value) {
    if (value == null) {
      return null;
    }
    String[] parts = value.trim().split(" ");
    if (parts.length != 2) {
      throw new HttpProblem(400, "Upload-Checksum must be 'ALGORITHM BASE64': " + printable(value));
    }
    String algorithm = parts[0].toLowerCase(Locale.ROOT);
    int bytes =
        switch (algorithm) {
          case "sha1" -> 20;
          case "sha256" -> 32;
          case "md5" -> 16;
          default ->
              throw new HttpProblem(
                  400,
                  "Upload-Checksum algorithm "
                      + printable(parts[0])
                      + " is not supported (supported: "
                      + CHECKSUM_ALGORITHMS
                      + ")");
        };
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(400, "Upload-Checksum value is not base64: " + printable(parts[1]));
    }
    if (raw.length != bytes) {
      throw new HttpProblem(
          400,
          "Upload-Checksum "
              + algorithm
              + " must be "
              + bytes
              + " bytes once decoded, got "
              + raw.length);
    }
    return new Checksum(algorithm, HexFormat.of().formatHex(raw));
  }

  /** {@code value} with control characters escaped and cut to 100 characters, for messages. */
  static String printable(String value) {
    String cut = value.length() > 100 ? value.substring(0, 100) + "…" : value;
    StringBuilder out = new StringBuilder(cut.length());
    for (char c : cut.toCharArray()) {
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
