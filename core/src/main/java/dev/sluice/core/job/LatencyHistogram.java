package dev.sluice.core.job;

/**
 * A log-linear histogram of durations in nanoseconds: 8 sub-buckets per power of two, so a
 * percentile is exact to within 12.5%. Fixed size (512 counters) whatever the sample count. Not
 * thread-safe: one recording thread.
 */
final class LatencyHistogram {

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

  /** A copy of the counts recorded so far. */
  public LatencyHistogram copy() {
    LatencyHistogram copy = new LatencyHistogram();
    copy.add(this);
    return copy;
  }

  /** Adds every sample of {@code other} to this histogram. */
  public void add(LatencyHistogram other) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  /**
   * The samples recorded since {@code earlier}, a {@link #copy()} of this histogram taken before.
   * Its maximum is the upper bound of the highest bucket that grew (within 12.5%).
   */
  public LatencyHistogram since(LatencyHistogram earlier) {
    LatencyHistogram delta = new LatencyHistogram();
    for (int i = 0; i < counts.length; i++) {
      long grown = counts[i] - earlier.counts[i];
      if (grown > 0) {
        delta.counts[i] = grown;
        delta.total += grown;
        delta.max = Math.min(upperBound(i), max);
      }
    }
    return delta;
  }

  public Latency summary() {
    return total == 0 ? Latency.NONE : new Latency(percentile(0.5), percentile(0.99), max);
  }
}
