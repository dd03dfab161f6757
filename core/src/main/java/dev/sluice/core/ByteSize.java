package dev.sluice.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints byte counts such as {@code 64KiB}, {@code 8MiB}, {@code 1GiB}, {@code 1000}.
 */
public final class ByteSize {

  private static final Pattern SIZE =
      Pattern.compile(
          "(\\d+)\\s*(B|KIB|KB|K|MIB|MB|M|GIB|GB|G|TIB|TB|T)?", Pattern.CASE_INSENSITIVE);

  private ByteSize() {}

  /**
   * Parses a size: digits followed by an optional unit {@code B, KiB, MiB, GiB, TiB} (binary) or
   * {@code KB, MB, GB, TB} (decimal); {@code K, M, G, T} are binary.
   *
   * @throws IllegalArgumentException naming the input and the accepted forms
   */
  public static long parse(String text) {
    Matcher m = text == null ? null : SIZE.matcher(text.trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "invalid size '"
              + text
              + "': expected digits with an optional unit, e.g. 64KiB, 8MiB, 1GiB");
    }
    long multiplier =
        switch (m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT)) {
          case "B" -> 1L;
          case "KIB", "K" -> 1L << 10;
          case "MIB", "M" -> 1L << 20;
          case "GIB", "G" -> 1L << 30;
          case "TIB", "T" -> 1L << 40;
          case "KB" -> 1_000L;
          case "MB" -> 1_000_000L;
          case "GB" -> 1_000_000_000L;
          case "TB" -> 1_000_000_000_000L;
          default -> throw new AssertionError(m.group(2));
        };
    try {
      return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("invalid size '" + text + "': too large", e);
    }
  }

  /**
   * Parses a rate in bytes per second: a size as {@link #parse} reads it, with or without {@code
   * /s} ({@code 1MiB/s} and {@code 1MiB} are the same rate). The one syntax for every rate: flags,
   * environment variables and the server's {@code ?rate=}.
   *
   * @throws IllegalArgumentException naming the input and the accepted forms
   */
  public static long parseRate(String text) {
    String trimmed = text == null ? null : text.trim();
    if (trimmed != null && trimmed.regionMatches(true, trimmed.length() - 2, "/s", 0, 2)) {
      trimmed = trimmed.substring(0, trimmed.length() - 2);
    }
    try {
      return parse(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid rate '" + text + "': expected a size per second, e.g. 1MiB/s or 1MiB", e);
    }
  }

  /** Prints {@code bytes} with the largest binary unit that keeps one or more whole units. */
  public static String format(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return Decimals.fixed(value, value >= 100 ? 0 : 1) + " " + units[unit];
  }
}
