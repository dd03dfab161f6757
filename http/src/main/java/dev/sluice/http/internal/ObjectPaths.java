package dev.sluice.http.internal;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one rule between object keys and request paths: a path {@code /objects/KEY} names the key
 * that is the rest of the path percent-decoded as UTF-8 ({@link #key}); the path of a key is {@code
 * /objects/} followed by the key percent-encoded segment by segment ({@link #of}). Every route that
 * takes or makes a key path (PUT, GET, HEAD, DELETE, {@code Location}, signed links) goes through
 * these two, so {@code key(of(k)).equals(k)} for every valid key.
 *
 * <p>An encoded slash ({@code %2F}) inside a segment is refused rather than read as a separator:
 * {@code a%2Fb} and {@code a/b} would otherwise name the same object (Jetty refuses it first, with
 * the same status).
 */
public final class ObjectPaths {

  /** The route prefix of objects. */
  public static final String PREFIX = "/objects/";

  private ObjectPaths() {}

  /** {@code /objects/} followed by {@code key}, percent-encoded segment by segment. */
  public static String of(String key) {
    StringBuilder out = new StringBuilder(PREFIX);
    String[] segments = key.split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        out.append('/');
      }
      out.append(URLEncoder.encode(segments[i], StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return out.toString();
  }

  /**
   * The key named by a raw (still percent-encoded) request path that starts with {@code /objects/}:
   * the rest of the path, percent-decoded as UTF-8. A {@code ;} is an ordinary character of the
   * key, as is a {@code +}. The key's own rules ({@code ..}, empty segments, control characters)
   * are checked by {@link Keys}, not here.
   *
   * @throws HttpProblem 400 naming the path and the rule: a malformed {@code %} escape, an encoded
   *     slash, or bytes that are not UTF-8
   */
  public static String key(String rawPath) {
    if (rawPath == null || !rawPath.startsWith(PREFIX)) {
      throw new HttpProblem(
          400, "an object path must start with " + PREFIX + " with no dot segments: " + rawPath);
    }
    String encoded = rawPath.substring(PREFIX.length());
    if (encoded.indexOf('%') < 0) {
      return encoded;
    }
    StringBuilder key = new StringBuilder(encoded.length());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < encoded.length(); ) {
      char c = encoded.charAt(i);
      if (c != '%') {
        flush(bytes, key, rawPath);
        key.append(c);
        i++;
        continue;
      }
      int b = escapedByte(encoded, i);
      if (b < 0) {
        throw new HttpProblem(
            400,
            "malformed percent-escape at index "
                + (PREFIX.length() + i)
                + " of "
                + rawPath
                + ": % must be followed by two hex digits");
      }
      if (b == '/') {
        throw new HttpProblem(
            400,
            "an encoded slash (%2F) inside a key segment is not allowed in "
                + rawPath
                + ": separate segments with a plain /");
      }
      bytes.write(b);
      i += 3;
    }
    flush(bytes, key, rawPath);
    return key.toString();
  }

  /**
   * The byte the {@code %XX} escape at {@code i} of {@code s} stands for, or -1 if two hex digits
   * do not follow the {@code %}.
   */
  static int escapedByte(String s, int i) {
    int high = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
    int low = high < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
    return low < 0 ? -1 : high << 4 | low;
  }

  /** {@code bytes} decoded as {@code charset}, refusing malformed or unmappable input. */
  static String decodeStrictly(byte[] bytes, Charset charset) throws CharacterCodingException {
    return charset
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  private static void flush(ByteArrayOutputStream bytes, StringBuilder key, String rawPath) {
    if (bytes.size() == 0) {
      return;
    }
    try {
      key.append(decodeStrictly(bytes.toByteArray(), StandardCharsets.UTF_8));
    } catch (CharacterCodingException e) {
      throw new HttpProblem(400, "the percent-escapes in " + rawPath + " are not UTF-8");
    }
    bytes.reset();
  }
}
