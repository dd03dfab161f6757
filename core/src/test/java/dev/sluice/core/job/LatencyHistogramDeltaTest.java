package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramDeltaTest {

  @Test
  void sinceACopyCountsOnlyTheSamplesRecordedAfterIt() {
    LatencyHistogram histogram = new LatencyHistogram();
    for (int i = 0; i < 100; i++) {
      histogram.record(1_000_000_000L); // 1 s, before the mark
    }
    LatencyHistogram mark = histogram.copy();
    for (int i = 0; i < 100; i++) {
      histogram.record(1000);
    }

    LatencyHistogram delta = histogram.since(mark);

    assertThat(delta.count()).isEqualTo(100);
    Latency latency = delta.summary();
    assertThat(latency.p50Nanos()).isBetween(1000L, 1125L);
    assertThat(latency.maxNanos()).isBetween(1000L, 1125L);
    assertThat(histogram.summary().maxNanos()).isEqualTo(1_000_000_000L);
  }

  @Test
  void addMergesCountsAndMaximum() {
    LatencyHistogram a = new LatencyHistogram();
    LatencyHistogram b = new LatencyHistogram();
    a.record(10);
    b.record(5000);
    b.record(7);

    a.add(b);

    assertThat(a.count()).isEqualTo(3);
    assertThat(a.summary().maxNanos()).isEqualTo(5000);
    assertThat(a.summary().p50Nanos()).isEqualTo(10);
  }

  @Test
  void aCopyIsIndependentOfItsOriginal() {
    LatencyHistogram original = new LatencyHistogram();
    original.record(10);
    LatencyHistogram copy = original.copy();

    original.record(20);

    assertThat(copy.count()).isEqualTo(1);
    assertThat(original.count()).isEqualTo(2);
  }
}
