package dev.sluice.core.internal;

import dev.sluice.core.Latency;

/**
 * A log-linear histogram of durations in nanoseconds: 8 sub-buckets per power of two, so a
 * percentile is exact to within 12.5%. Fixed size (512 counters) whatever the sample count. Not
 * thread-safe: one recording thread.
 */
public final class LatencyHistogram {

  private static final int SUB_BITS = 3;
  private static final int SUBS = 1 << SUB_BITS;

  private final long[] counts = new long[64 * SUBS];
  private long total;
  private long max;

  public void record(long nanos) {
    long value = Math.max(0, nanos);
    counts[index(value)]++;
    total++;
    if (value > max) {
      max = value;
    }
  }

  public long count() {
    return total;
  }

  static int index(long value) {
    if (value < SUBS) {
      return (int) value;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(value); // >= SUB_BITS
    int sub = (int) (value >>> (exponent - SUB_BITS)) & (SUBS - 1);
    return (exponent - SUB_BITS + 1) * SUBS + sub;
  }

  /** The upper bound of the values counted in bucket {@code index}. */
  static long upperBound(int index) {
    if (index < SUBS) {
      return index;
    }
    int exponent = index / SUBS + SUB_BITS - 1;
    long sub = index % SUBS;
    long lower = (1L << exponent) | (sub << (exponent - SUB_BITS));
    return lower + (1L << (exponent - SUB_BITS)) - 1;
  }

  /** The value at {@code quantile} (0..1), never above the maximum recorded. */
  public long percentile(double quantile) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(upperBound(i), max);
      }
    }
    return max;
  }

  public Latency summary() {
    return total == 0 ? Latency.NONE : new Latency(percentile(0.5), percentile(0.99), max);
  }
}
