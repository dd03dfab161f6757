package dev.sluice.core;

/**
 * Prints a number with a fixed count of decimals, like {@code String.format(Locale.ROOT, "%.3f",
 * value)} but without starting {@link java.util.Formatter}, whose locale data costs a command-line
 * run tens of milliseconds (docs/benchmarks.md, "Core ingestion").
 */
public final class Decimals {

  private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

  private Decimals() {}

  /**
   * {@code value} rounded half away from zero to {@code places} decimals (0 to 6), with a dot;
   * {@code NaN} and the infinities print as {@link Double#toString}. Values beyond ±9.2e12 at 6
   * places (where the scaled value overflows a long) also print as {@link Double#toString}.
   */
  public static String fixed(double value, int places) {
    if (places < 0 || places >= POWERS_OF_TEN.length) {
      throw new IllegalArgumentException("places must be within 0..6: " + places);
    }
    long scale = POWERS_OF_TEN[places];
    double scaled = Math.abs(value) * scale;
    if (Double.isNaN(value) || Double.isInfinite(value) || scaled >= Long.MAX_VALUE) {
      return Double.toString(value);
    }
    long units = Math.round(scaled);
    StringBuilder text = new StringBuilder(24);
    if (value < 0 && units != 0) {
      text.append('-');
    }
    text.append(units / scale);
    if (places > 0) {
      String fraction = Long.toString(units % scale);
      text.append('.').repeat('0', places - fraction.length()).append(fraction);
    }
    return text.toString();
  }
}
