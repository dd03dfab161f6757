package dev.sluice.core.job;

import java.time.Duration;

/** A latency distribution summary: median, 99th percentile and maximum, in nanoseconds. */
public record Latency(long p50Nanos, long p99Nanos, long maxNanos) {

  /** No samples. */
  public static final Latency NONE = new Latency(0, 0, 0);

  public Duration p50() {
    return Duration.ofNanos(p50Nanos);
  }

  public Duration p99() {
    return Duration.ofNanos(p99Nanos);
  }

  public Duration max() {
    return Duration.ofNanos(maxNanos);
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "p50 %.3f ms, p99 %.3f ms, max %.3f ms",
        p50Nanos / 1e6,
        p99Nanos / 1e6,
        maxNanos / 1e6);
  }
}
