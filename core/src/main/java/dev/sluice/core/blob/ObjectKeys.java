package dev.sluice.core.blob;

import java.util.Comparator;

/**
 * The rules every object key obeys, whatever the store: shared by the HTTP layer and every {@link
 * BlobStore} so that a key accepted once is accepted everywhere. Keys sort by their UTF-8 bytes
 * ({@link #ORDER}), as S3, PostgreSQL's {@code "C"} collation and Redis's lexical ranges sort them.
 *
 * <p>A key is one or more {@code /}-separated segments, at most {@value #MAX_BYTES} bytes of UTF-8.
 * It may not be absolute ({@code /a}, {@code C:\a}, {@code \a}), have an empty segment ({@code
 * a//b}, {@code a/}), a {@code .} or {@code ..} segment, a backslash, a control character
 * (U+0000–U+001F, U+007F–U+009F) or an unpaired surrogate.
 */
public final class ObjectKeys {

  /** The longest key, in bytes of UTF-8. */
  public static final int MAX_BYTES = 1024;

  /**
   * Key order: by Unicode code point, which is the order of the keys' UTF-8 bytes (unlike {@link
   * String#compareTo}, which compares UTF-16 units and puts U+E000–U+FFFF after supplementary
   * characters).
   */
  public static final Comparator<String> ORDER = ObjectKeys::compare;

  private ObjectKeys() {}

  private static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /**
   * Returns {@code key} if it obeys the rules.
   *
   * @throws IllegalArgumentException naming the key (control characters escaped as {@code \u0000})
   *     and the rule it breaks
   */
  public static String validate(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("invalid key \"\": must not be empty");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isISOControl(c)) {
        throw invalid(key, "control character U+" + hex(c) + " at index " + i);
      }
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < key.length()
                && Character.isLowSurrogate(key.charAt(i + 1));
        if (!paired) {
          throw invalid(key, "unpaired surrogate U+" + hex(c) + " at index " + i);
        }
        i++;
      }
      if (c == '\\') {
        throw invalid(key, "backslash at index " + i + " (a path separator on some systems)");
      }
    }
    long bytes = utf8Length(key);
    if (bytes > MAX_BYTES) {
      throw invalid(key, "longer than " + MAX_BYTES + " bytes of UTF-8 (" + bytes + ")");
    }
    if (key.charAt(0) == '/') {
      throw invalid(key, "must not be an absolute path (starts with /)");
    }
    if (key.length() >= 2 && key.charAt(1) == ':' && isAsciiLetter(key.charAt(0))) {
      throw invalid(key, "must not be an absolute path (starts with a drive letter)");
    }
    int start = 0;
    while (true) {
      int slash = key.indexOf('/', start);
      int end = slash < 0 ? key.length() : slash;
      int length = end - start;
      if (length == 0) {
        throw invalid(key, "empty segment at index " + start);
      }
      if (isDots(key, start, length)) {
        throw invalid(key, "'" + key.substring(start, end) + "' segment at index " + start);
      }
      if (slash < 0) {
        return key;
      }
      start = slash + 1;
    }
  }

  /** The length of the (valid) key in UTF-8, without encoding it. */
  private static long utf8Length(String key) {
    long bytes = 0;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** Whether the segment is {@code .} or {@code ..}. */
  private static boolean isDots(String key, int start, int length) {
    return (length == 1 || length == 2) && key.startsWith(".".repeat(length), start);
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isUnpaired(String key, int i) {
    char c = key.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 == key.length() || !Character.isLowSurrogate(key.charAt(i + 1));
    }
    return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(key.charAt(i - 1)));
  }

  private static String hex(char c) {
    return String.format("%04X", (int) c);
  }

  private static IllegalArgumentException invalid(String key, String rule) {
    return new IllegalArgumentException("invalid key \"" + printable(key) + "\": " + rule);
  }

  /** The key with control characters, quotes and backslashes escaped, cut to 200 characters. */
  static String printable(String key) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < key.length() && out.length() < 200; i++) {
      char c = key.charAt(i);
      if (Character.isISOControl(c) || isUnpaired(key, i)) {
        out.append("\\u").append(hex(c));
      } else if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else {
        out.append(c);
      }
    }
    if (i < key.length()) {
      out.append("…");
    }
    return out.toString();
  }
}
