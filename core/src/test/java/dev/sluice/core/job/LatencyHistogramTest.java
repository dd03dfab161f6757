package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

  @Test
  void anEmptyHistogramSummarisesAsNone() {
    LatencyHistogram histogram = new LatencyHistogram();

    assertThat(histogram.count()).isZero();
    assertThat(histogram.percentile(0.5)).isZero();
    assertThat(histogram.summary()).isSameAs(Latency.NONE);
  }

  @Test
  void smallValuesAreExact() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (long v = 0; v < 8; v++) {
      histogram.record(v);
    }

    assertThat(histogram.percentile(0.5)).isEqualTo(3);
    assertThat(histogram.percentile(1.0)).isEqualTo(7);
    assertThat(histogram.summary()).isEqualTo(new Latency(3, 7, 7));
  }

  @Test
  void everyBucketsUpperBoundMapsBackToThatBucketAndBucketsDoNotOverlap() {
    for (int i = 0; i < 60 * 8; i++) {
      long upper = LatencyHistogram.upperBound(i);
      assertThat(LatencyHistogram.index(upper))
          .as("index of bucket %s's upper bound", i)
          .isEqualTo(i);
      assertThat(LatencyHistogram.index(upper + 1))
          .as("index just past bucket %s", i)
          .isEqualTo(i + 1);
    }
  }

  @Test
  void percentilesAreWithinOneEighthOfTheTrueValue() {
    LatencyHistogram histogram = new LatencyHistogram();
    long[] values = new long[10_000];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextLong(1_000, 50_000_000);
      histogram.record(values[i]);
    }
    java.util.Arrays.sort(values);

    for (double q : new double[] {0.5, 0.9, 0.99}) {
      long exact = values[(int) Math.ceil(q * values.length) - 1];
      assertThat(histogram.percentile(q)).as("p%s", q * 100).isBetween(exact, exact + exact / 8);
    }
    assertThat(histogram.summary().maxNanos()).isEqualTo(values[values.length - 1]);
  }

  @Test
  void aPercentileNeverExceedsTheMaximumRecorded() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(1_000_001);

    assertThat(histogram.percentile(0.5)).isEqualTo(1_000_001);
    assertThat(histogram.percentile(0.99)).isEqualTo(1_000_001);
  }

  @Test
  void negativeDurationsCountAsZeroAndHugeOnesFit() {
    LatencyHistogram histogram = new LatencyHistogram();
    histogram.record(-5);
    histogram.record(Long.MAX_VALUE);

    assertThat(histogram.count()).isEqualTo(2);
    assertThat(histogram.percentile(0.5)).isZero();
    assertThat(histogram.percentile(1.0)).isEqualTo(Long.MAX_VALUE);
  }
}
