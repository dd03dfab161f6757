package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.MemoryPoolMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OldGenerationCollectorTest {

  private static final long FLOOR = 4L << 20;

  @Test
  void anOldGenerationPastTheThresholdIsCollectedAndTheThresholdFollowsWhatStayedAlive() {
    MemoryPoolMXBean old = OldGenerationCollector.oldGeneration().orElseThrow();
    AtomicInteger collected = new AtomicInteger();
    List<byte[]> kept = new ArrayList<>();
    try (OldGenerationCollector collector =
        OldGenerationCollector.start(
                FLOOR,
                0,
                () -> {
                  collected.incrementAndGet();
                  System.gc();
                })
            .orElseThrow()) {
      assertThat(collector.threshold()).isGreaterThanOrEqualTo(FLOOR);
      long before = collector.threshold();

      // data that lives on: promoted by the collections below, past the threshold
      while (old.getUsage().getUsed() <= before + FLOOR) {
        for (int i = 0; i < 8; i++) {
          kept.add(new byte[1 << 20]);
        }
        System.gc();
      }

      await().atMost(Duration.ofSeconds(20)).until(() -> collector.collections() >= 1);
      assertThat(collected.get()).isEqualTo((int) collector.collections());
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(collector.threshold())
                      .isGreaterThanOrEqualTo(Math.max(FLOOR, old.getUsage().getUsed())));
    }
    assertThat(old.getUsageThreshold()).as("closed: the threshold is off").isZero();
    assertThat(kept).isNotEmpty();
  }

  @Test
  void collectionsAreAtLeastTheIntervalApart() {
    MemoryPoolMXBean old = OldGenerationCollector.oldGeneration().orElseThrow();
    List<Long> times = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<byte[]> kept = new ArrayList<>();
    long interval = Duration.ofMillis(500).toNanos();
    try (OldGenerationCollector collector =
        OldGenerationCollector.start(
                FLOOR,
                interval,
                () -> {
                  times.add(System.nanoTime());
                  System.gc();
                })
            .orElseThrow()) {
      for (int round = 0; round < 2; round++) {
        long target = collector.threshold() + FLOOR;
        while (old.getUsage().getUsed() <= target) {
          for (int i = 0; i < 8; i++) {
            kept.add(new byte[1 << 20]);
          }
          System.gc();
        }
        int expected = round + 1;
        await().atMost(Duration.ofSeconds(20)).until(() -> collector.collections() >= expected);
      }
      assertThat(times).hasSizeGreaterThanOrEqualTo(2);
      assertThat(times.get(1) - times.get(0)).isGreaterThanOrEqualTo(interval);
    }
    assertThat(kept).isNotEmpty();
  }
}
