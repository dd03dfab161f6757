package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.Sinks;
import dev.sluice.core.Sources;
import dev.sluice.core.Transforms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchedulerLagTest {

  private final SchedulerLag lag = SchedulerLag.start(Duration.ofMillis(2), Duration.ofSeconds(10));

  @AfterEach
  void close() {
    lag.close();
  }

  private void awaitSamples(long samples) {
    await().atMost(5, TimeUnit.SECONDS).until(() -> lag.samples() >= samples);
  }

  /** Occupies every carrier with a virtual thread that computes without ever blocking. */
  private static void hogCarriers(Duration each) throws InterruptedException {
    List<Thread> hogs = new ArrayList<>();
    for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
      hogs.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    long end = System.nanoTime() + each.toNanos();
                    while (System.nanoTime() < end) {
                      Thread.onSpinWait();
                    }
                  }));
    }
    for (Thread hog : hogs) {
      hog.join();
    }
  }

  @Test
  void measuresWakeUpsOfAnIdleSchedulerAsPromptly() throws InterruptedException {
    awaitSamples(20);

    Latency recent = lag.snapshot();

    assertThat(recent.p50()).isLessThan(Duration.ofMillis(100)); // generous: the machine is shared
    assertThat(recent.maxNanos()).isGreaterThanOrEqualTo(recent.p99Nanos());
  }

  @Test
  void virtualThreadsComputingWithoutBlockingMakeWakeUpsLate() throws InterruptedException {
    awaitSamples(5);
    SchedulerLag.Mark before = lag.mark();

    hogCarriers(Duration.ofMillis(300));
    awaitSamples(lag.samples() + 5);

    assertThat(lag.since(before).max()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    assertThat(lag.sinceStart().max()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    assertThat(lag.snapshot().max()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
  }

  @Test
  void aReportCarriesTheLagSeenWhileItsJobRan() throws Exception {
    IngestionReport report =
        Ingestion.from(Sources.generated(400 * 1024, 1))
            .through(Transforms.rate(1 << 20)) // about 300 ms: many 2 ms wake-ups
            .to(Sinks.discard())
            .chunkSize(16 * 1024)
            .schedulerLag(lag)
            .run();

    assertThat(report.schedulerLag()).isNotEqualTo(Latency.NONE);
    assertThat(report.schedulerLag().maxNanos()).isPositive();
  }

  @Test
  void aReportWithoutAProbeHasNoLagFigure() throws Exception {
    IngestionReport report = Ingestion.from(Sources.generated(1000, 1)).to(Sinks.discard()).run();

    assertThat(report.schedulerLag()).isEqualTo(Latency.NONE);
  }

  @Test
  void theSnapshotCoversTheCurrentWindowAndTheOneBefore() {
    AtomicLong now = new AtomicLong(3_000_000_000L);
    SchedulerLag fed =
        SchedulerLag.withoutProbe(Duration.ofMillis(10), Duration.ofSeconds(10), now::get);
    long late = Duration.ofMillis(50).toNanos();
    long prompt = Duration.ofMillis(1).toNanos();

    fed.record(now.get(), late);
    now.addAndGet(Duration.ofSeconds(10).toNanos()); // a new window: the late one is the previous
    fed.record(now.get(), prompt);
    assertThat(fed.snapshot().max()).isGreaterThanOrEqualTo(Duration.ofMillis(50));

    now.addAndGet(Duration.ofSeconds(10).toNanos()); // another: the late one's window is gone
    fed.record(now.get(), prompt);
    assertThat(fed.snapshot().max()).isLessThan(Duration.ofMillis(2));
    assertThat(fed.sinceStart().max()).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    assertThat(fed.samples()).isEqualTo(3);
    fed.close();
  }

  @Test
  void closeStopsTheProbe() throws InterruptedException {
    awaitSamples(3);

    lag.close(); // returns once the probe thread has ended: no sample can follow

    assertThat(SluiceThreads.live()).noneMatch(name -> name.startsWith("sluice-lag-"));
    lag.close(); // idempotent
  }

  @Test
  void rejectsAWindowShorterThanTheInterval() {
    assertThatThrownBy(() -> SchedulerLag.start(Duration.ofMillis(10), Duration.ofMillis(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window must be >= interval (PT0.01S): PT0.005S");
    assertThatThrownBy(() -> SchedulerLag.start(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be > 0: PT0S");
  }
}
