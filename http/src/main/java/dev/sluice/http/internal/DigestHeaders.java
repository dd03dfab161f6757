package dev.sluice.http.internal;

import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The digests a client sent with an upload, as hex: {@code Content-Digest} and {@code Repr-Digest}
 * (RFC 9530, structured-field dictionaries such as {@code sha-256=:BASE64:, sha-512=:BASE64:};
 * algorithms we do not know are ignored, as the RFC says) and {@code Content-MD5} (RFC 1864,
 * base64).
 *
 * @param sha256 the expected SHA-256, or null
 * @param sha512 the expected SHA-512, or null
 * @param md5 the expected MD5, or null
 */
public record DigestHeaders(String sha256, String sha512, String md5) {

  /** No expected digests. */
  public static final DigestHeaders NONE = new DigestHeaders(null, null, null);

  /**
   * Parses the three headers (each may be null).
   *
   * @throws HttpProblem 400 naming the header and the rule when one is malformed or when two
   *     headers disagree about the same algorithm
   */
  public static DigestHeaders parse(String contentDigest, String reprDigest, String contentMd5) {
    Map<String, String> hex = new LinkedHashMap<>();
    merge(hex, "Content-Digest", contentDigest);
    merge(hex, "Repr-Digest", reprDigest);
    String md5 = null;
    if (contentMd5 != null) {
      byte[] raw = decode("Content-MD5", contentMd5.trim(), Base64.getDecoder());
      if (raw.length != 16) {
        throw new HttpProblem(
            400,
            "Content-MD5 must be the base64 of 16 bytes, got " + raw.length + ": " + contentMd5);
      }
      md5 = HexFormat.of().formatHex(raw);
    }
    return new DigestHeaders(hex.get("sha-256"), hex.get("sha-512"), md5);
  }

  private static void merge(Map<String, String> into, String header, String value) {
    if (value == null) {
      return;
    }
    for (String member : value.split(",")) {
      String item = member.trim();
      if (item.isEmpty()) {
        continue;
      }
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new HttpProblem(
            400, header + " member must be ALGORITHM=:BASE64: (RFC 9530): " + item);
      }
      String algorithm = item.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String bytes = stripParameters(item.substring(eq + 1).trim());
      int expectedLength =
          switch (algorithm) {
            case "sha-256" -> 32;
            case "sha-512" -> 64;
            default -> -1; // an algorithm we do not verify: ignored (RFC 9530 §2)
          };
      if (expectedLength < 0) {
        continue;
      }
      if (bytes.length() < 2 || bytes.charAt(0) != ':' || bytes.charAt(bytes.length() - 1) != ':') {
        throw new HttpProblem(
            400,
            header
                + " "
                + algorithm
                + " must be a byte sequence :BASE64: (RFC 8941 §3.3.5): "
                + bytes);
      }
      byte[] raw =
          decode(
              header + " " + algorithm,
              bytes.substring(1, bytes.length() - 1),
              Base64.getDecoder());
      if (raw.length != expectedLength) {
        throw new HttpProblem(
            400,
            header + " " + algorithm + " must be " + expectedLength + " bytes, got " + raw.length);
      }
      String digest = HexFormat.of().formatHex(raw);
      String earlier = into.putIfAbsent(algorithm, digest);
      if (earlier != null && !earlier.equals(digest)) {
        throw new HttpProblem(
            400,
            "Content-Digest and Repr-Digest disagree on "
                + algorithm
                + ": "
                + earlier
                + " vs "
                + digest);
      }
    }
  }

  private static String stripParameters(String value) {
    int semicolon = value.indexOf(';');
    return semicolon < 0 ? value : value.substring(0, semicolon).trim();
  }

  private static byte[] decode(String what, String base64, Base64.Decoder decoder) {
    try {
      return decoder.decode(base64);
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(400, what + " is not valid base64: " + base64);
    }
  }

  /** The RFC 9530 header value {@code sha-256=:BASE64:} of a hex SHA-256. */
  public static String sha256Field(String hex) {
    return "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex)) + ":";
  }

  /** The base64 form a client would send for the hex {@code digest}. */
  public static String base64(String hex) {
    return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
  }
}
