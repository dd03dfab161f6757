package dev.sluice.http.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The {@code filename*} parameter of a {@code Content-Disposition} header (RFC 6266 §4.3), decoded
 * as RFC 8187 says: {@code charset'[language]'value-chars}, where the charset is UTF-8 or
 * ISO-8859-1 and {@code %XX} escapes bytes. Beyond RFC 8187's attr-chars, any visible ASCII
 * character but {@code "} is taken as itself (encoders differ: Java's {@code URLEncoder} leaves
 * {@code *} and {@code '} as they are); white space, quotes and non-ASCII must be escaped. The
 * decoded name is taken as it is: a {@code +} stays a plus, quotes and white space at its ends are
 * part of it.
 *
 * <p>Jetty's own reading of {@code filename*} decodes {@code +} as a space and then strips a
 * decoded name's quotes as if it were still a quoted string, so a name is read here instead.
 * Stateless.
 */
final class ExtendedFileName {

  private ExtendedFileName() {}

  /**
   * The decoded {@code filename*} of {@code disposition}, or {@code null} if it has none.
   *
   * @throws IllegalArgumentException if it has one that RFC 8187 cannot decode, saying why
   */
  static String of(String disposition) {
    String value = parameter(disposition, "filename*");
    return value == null ? null : decode(value);
  }

  /** The raw value of the parameter {@code name}, splitting at {@code ;} outside quoted strings. */
  private static String parameter(String header, String name) {
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i <= header.length(); i++) {
      boolean end = i >= header.length(); // an unclosed quoted string ends with the header
      char c = end ? ';' : header.charAt(i);
      if (quoted && !end && c == '\\') {
        i++; // a quoted-pair: the next character is literal
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ';' && (end || !quoted)) {
        String parameter = header.substring(start, Math.min(i, header.length()));
        int equals = parameter.indexOf('=');
        if (equals > 0
            && parameter.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals(name)) {
          return parameter.substring(equals + 1).strip();
        }
        start = i + 1;
      }
    }
    return null;
  }

  private static String decode(String value) {
    int first = value.indexOf('\'');
    int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
    if (second < 0) {
      throw new IllegalArgumentException("it is not charset'language'value");
    }
    Charset charset = charset(value.substring(0, first));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
    for (int i = second + 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '%') {
        int b = ObjectPaths.escapedByte(value, i);
        if (b < 0) {
          throw new IllegalArgumentException("'%' at index " + i + " is not followed by two hex");
        }
        bytes.write(b);
        i += 2;
      } else if (c > ' ' && c < 0x7f && c != '"') {
        bytes.write(c);
      } else {
        throw new IllegalArgumentException(
            String.format("U+%04X at index %d must be percent-encoded", (int) c, i));
      }
    }
    try {
      return ObjectPaths.decodeStrictly(bytes.toByteArray(), charset);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("its bytes are not " + charset.name());
    }
  }

  private static Charset charset(String name) {
    if (name.equalsIgnoreCase("UTF-8")) {
      return StandardCharsets.UTF_8;
    }
    if (name.equalsIgnoreCase("ISO-8859-1")) {
      return StandardCharsets.ISO_8859_1;
    }
    throw new IllegalArgumentException("charset '" + name + "' is neither UTF-8 nor ISO-8859-1");
  }
}
