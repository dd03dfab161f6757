package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.AbortReason;
import dev.sluice.core.CancelledException;
import dev.sluice.core.Sinks;
import dev.sluice.core.Source;
import dev.sluice.core.Sources;
import dev.sluice.core.Transforms;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobRegistryTest {

  private static final long SLOW = 256 * 1024; // bytes per second

  private final JobRegistry registry = new JobRegistry();

  @AfterEach
  void shutDown() throws InterruptedException {
    registry.shutdown(Duration.ZERO);
  }

  private IngestionJob startSlow(EndingSink sink, long size) {
    return Ingestion.from(Sources.generated(size, 1))
        .through(Transforms.rate(SLOW))
        .to(sink)
        .chunkSize(16 * 1024)
        .registry(registry)
        .start();
  }

  private static void awaitBytes(IngestionJob job, long bytes) {
    await().atMost(5, TimeUnit.SECONDS).until(() -> job.bytesOut() >= bytes);
  }

  @Test
  void jobsListsARunningJobWithItsSourceSinkAndProgress() throws Exception {
    EndingSink sink = new EndingSink();
    IngestionJob job = startSlow(sink, 64L << 20);
    awaitBytes(job, 1);

    List<JobStatus> jobs = registry.jobs();

    assertThat(jobs).hasSize(1);
    JobStatus status = jobs.get(0);
    assertThat(status.id()).isEqualTo(job.id());
    assertThat(status.pipeline()).isEqualTo("gen(67108864:1) → rate → ending");
    assertThat(status.kind()).isEqualTo("ingestion");
    assertThat(status.name()).as("the sink, by default").isEqualTo("ending");
    assertThat(status.expectedBytes()).isEqualTo(64L << 20);
    assertThat(status.bytesIn()).isPositive();
    assertThat(status.bytesOut()).isPositive();
    assertThat(status.bytesPerSecond()).isPositive();
    assertThat(status.startedAt()).isEqualTo(job.startedAt());
  }

  @Test
  void aJobListedAsAnUploadShowsItsKindAndName() throws Exception {
    IngestionJob job =
        Ingestion.from(Sources.generated(64L << 20, 1))
            .through(Transforms.rate(SLOW))
            .to(new EndingSink())
            .chunkSize(16 * 1024)
            .listedAs("upload", "a/b.bin")
            .registry(registry)
            .start();
    awaitBytes(job, 1);

    JobStatus status = registry.jobs().get(0);

    assertThat(status.kind()).isEqualTo("upload");
    assertThat(status.name()).isEqualTo("a/b.bin");
    assertThat(registry.count("upload")).isOne();
    assertThat(registry.count("download")).isZero();
  }

  @Test
  void aTrackedTransferIsListedBesideTheJobsUntilItIsClosed() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    JobRegistry timed = new JobRegistry(now::get);
    TrackedTransfer transfer = timed.track("download", "k.bin", 300);
    transfer.add(100);
    now.addAndGet(2_000_000_000L);

    List<JobStatus> jobs = timed.jobs();

    assertThat(jobs).hasSize(1);
    JobStatus status = jobs.get(0);
    assertThat(status.kind()).isEqualTo("download");
    assertThat(status.name()).isEqualTo("k.bin");
    assertThat(status.pipeline()).isEqualTo("download(k.bin)");
    assertThat(status.bytesIn()).isEqualTo(100);
    assertThat(status.bytesOut()).isEqualTo(100);
    assertThat(status.expectedBytes()).isEqualTo(300);
    assertThat(status.elapsed()).isEqualTo(Duration.ofSeconds(2));
    assertThat(status.bytesPerSecond()).isEqualTo(50);
    assertThat(timed.count("download")).isOne();

    transfer.close();

    assertThat(timed.jobs()).isEmpty();
    assertThat(timed.count("download")).isZero();
  }

  @Test
  void attributesGivenAtStartAreListedBesideAJobAndATrackedTransfer() throws Exception {
    WorkerPool workers = registry.own(WorkerPool.of(1));
    IngestionJob job =
        Ingestion.from(Sources.generated(64L << 20, 1))
            .through(Transforms.rate(SLOW))
            .to(new EndingSink())
            .chunkSize(16 * 1024)
            .offload(workers)
            .listedAs("upload", "a.bin", Map.of("client", "192.0.2.7"))
            .registry(registry)
            .start();
    awaitBytes(job, 1);
    TrackedTransfer transfer =
        registry.track("download", "b.bin", 10, Map.of("client", "192.0.2.8", "rateLimit", "4096"));

    JobStatus upload = registry.jobs().get(0);
    JobStatus download = registry.jobs().get(1);

    assertThat(upload.attributes()).containsExactly(Map.entry("client", "192.0.2.7"));
    assertThat(upload.offloaded()).as("its sink writes on the worker pool").isTrue();
    assertThat(download.attributes())
        .containsOnly(Map.entry("client", "192.0.2.8"), Map.entry("rateLimit", "4096"));
    assertThat(download.offloaded()).isFalse();
    transfer.close();
    job.cancel(AbortReason.CANCELLED);
  }

  @Test
  void withoutAttributesNoneAreListed() {
    TrackedTransfer transfer = registry.track("download", "k", -1);

    assertThat(registry.jobs().get(0).attributes()).isEmpty();
    assertThat(registry.jobs().get(0).offloaded()).isFalse();
    transfer.close();
  }

  @Test
  void cancelByIdStopsThatJobOrTransferOnlyAndSaysWhetherOneRan() throws Exception {
    EndingSink sink = new EndingSink();
    IngestionJob job = startSlow(sink, 1L << 30);
    awaitBytes(job, 1);
    TrackedTransfer transfer = registry.track("download", "k", -1);
    TrackedTransfer other = registry.track("download", "other", -1);
    AtomicReference<AbortReason> stoppedWith = new AtomicReference<>();
    transfer.onCancel(stoppedWith::set);

    assertThat(registry.cancel(idOf("k"), AbortReason.CANCELLED)).isTrue();
    assertThat(registry.cancel(job.id(), AbortReason.CANCELLED)).isTrue();

    assertThat(stoppedWith).hasValue(AbortReason.CANCELLED);
    assertThat(other.cancelReason()).as("the other one runs on").isNull();
    assertThatThrownBy(job::get)
        .cause()
        .isInstanceOfSatisfying(
            IngestionException.class, e -> assertThat(e.reason()).isEqualTo(AbortReason.CANCELLED));
    transfer.close();
    assertThat(registry.cancel(idOf("other") + 1_000_000, AbortReason.CANCELLED))
        .as("no such id")
        .isFalse();
    long closedId = idOf("other");
    other.close();
    assertThat(registry.cancel(closedId, AbortReason.CANCELLED)).as("closed already").isFalse();
  }

  @Test
  void idsOfJobsAndTrackedTransfersNeverCollide() throws Exception {
    TrackedTransfer before = registry.track("download", "a", -1);
    IngestionJob job =
        Ingestion.from(Sources.generated(10, 1)).to(new EndingSink()).registry(registry).start();
    TrackedTransfer after = registry.track("download", "b", -1);
    job.get(5, TimeUnit.SECONDS);

    assertThat(Set.of(job.id(), idOf("a"), idOf("b"))).hasSize(3);
    before.close();
    after.close();
  }

  private long idOf(String name) {
    return registry.jobs().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow()
        .id();
  }

  @Test
  void shutdownWaitsForATrackedTransferThenCancelsItWithReasonShutdown() throws Exception {
    TrackedTransfer transfer = registry.track("download", "slow.bin", -1);
    AtomicReference<AbortReason> stoppedWith = new AtomicReference<>();
    transfer.onCancel(
        reason -> {
          stoppedWith.set(reason);
          transfer.close(); // the way a handler ends once interrupted
        });

    assertThat(registry.awaitIdle(Duration.ZERO)).as("still running").isFalse();
    assertThat(registry.shutdown(Duration.ZERO)).isTrue();

    assertThat(stoppedWith).hasValue(AbortReason.SHUTDOWN);
    assertThat(transfer.cancelReason()).isEqualTo(AbortReason.SHUTDOWN);
    assertThat(registry.jobs()).isEmpty();
    assertThatThrownBy(() -> registry.track("download", "late.bin", -1))
        .isInstanceOf(ShuttingDownException.class)
        .hasMessage("shutting down: refused new download(late.bin)");
  }

  @Test
  void aCancelBeforeOnCancelStopsTheTransferAsSoonAsItSaysHow() {
    TrackedTransfer transfer = registry.track("download", "k", -1);
    assertThat(transfer.cancel(AbortReason.CLIENT_DISCONNECT)).isTrue();
    assertThat(transfer.cancel(AbortReason.SHUTDOWN)).as("the first reason wins").isFalse();
    AtomicReference<AbortReason> stoppedWith = new AtomicReference<>();

    transfer.onCancel(stoppedWith::set);

    assertThat(stoppedWith).hasValue(AbortReason.CLIENT_DISCONNECT);
    transfer.close();
  }

  @Test
  void theRateFollowsTheJobsRecentPace() throws Exception {
    AtomicLong now = new AtomicLong(5_000_000_000L);
    JobRegistry timed = new JobRegistry(now::get);
    GatedSource source = new GatedSource();
    IngestionJob job =
        Ingestion.from(source).to(new EndingSink()).chunkSize(16 * 1024).registry(timed).start();
    try {
      source.allow(1);
      await().atMost(5, TimeUnit.SECONDS).until(() -> job.bytesIn() == GatedSource.STEP);

      now.addAndGet(1_000_000_000L);
      assertThat(timed.jobs().get(0).bytesPerSecond())
          .as("a look a second after the start takes a sample")
          .isEqualTo(GatedSource.STEP);

      source.allow(256);
      await().atMost(5, TimeUnit.SECONDS).until(() -> job.bytesIn() == 257 * GatedSource.STEP);
      now.addAndGet(500_000_000L);
      assertThat(timed.jobs().get(0).bytesPerSecond())
          .as("within a second of the last sample, the rate stays")
          .isEqualTo(GatedSource.STEP);

      now.addAndGet(1_500_000_000L);
      assertThat(timed.jobs().get(0).bytesPerSecond())
          .as("256 steps over the two seconds since the last sample")
          .isEqualTo(128 * GatedSource.STEP);
    } finally {
      timed.shutdown(Duration.ZERO);
    }
  }

  /** A source that passes on {@value #STEP} bytes for each step a test allows, then waits. */
  private static final class GatedSource implements Source {
    static final int STEP = 1024;
    private final Semaphore steps = new Semaphore(0);

    void allow(int count) {
      steps.release(count);
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
      try {
        steps.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a step");
      }
      int n = Math.min(STEP, into.remaining());
      into.put(new byte[n]);
      if (n < STEP) {
        throw new IllegalStateException("a buffer smaller than a step: " + n);
      }
      return n;
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "gated";
    }
  }

  @Test
  void aJobLeavesTheRegistryWhenItEnds() throws Exception {
    IngestionJob job =
        Ingestion.from(Sources.generated(100_000, 2))
            .to(new EndingSink())
            .registry(registry)
            .start();
    job.get(5, TimeUnit.SECONDS);

    await().atMost(5, TimeUnit.SECONDS).until(() -> registry.liveJobs() == 0);
    assertThat(registry.jobs()).isEmpty();
    assertThat(registry.liveJobs()).isZero();
  }

  @Test
  void shutdownRefusesNewJobsWithAClearErrorAndEndsTheirSinkAndSource() throws Exception {
    assertThat(registry.shutdown(Duration.ZERO)).isTrue();
    EndingSink sink = new EndingSink();
    ClosingSource source = new ClosingSource(Sources.generated(10, 3));

    assertThatThrownBy(() -> Ingestion.from(source).to(sink).registry(registry).start())
        .isInstanceOf(ShuttingDownException.class)
        .hasMessage("shutting down: refused new job gen(10:3) → ending");

    assertThat(registry.isShuttingDown()).isTrue();
    assertThat(sink.aborts).hasValue(1);
    assertThat(sink.commits).hasValue(0);
    assertThat(sink.abortCause).isInstanceOf(ShuttingDownException.class);
    assertThat(source.closes).hasValue(1);
  }

  @Test
  void runAlsoRefusesNewJobsOnceShuttingDown() throws Exception {
    registry.shutdown(Duration.ZERO);

    assertThatThrownBy(
            () ->
                Ingestion.from(Sources.generated(10, 3))
                    .to(Sinks.discard())
                    .registry(registry)
                    .run())
        .isInstanceOf(ShuttingDownException.class);
  }

  @Test
  void shutdownLetsAJobFinishWithinTheGracePeriod() throws Exception {
    EndingSink sink = new EndingSink();
    IngestionJob job = startSlow(sink, SLOW / 4); // about 250 ms
    awaitBytes(job, 1);

    assertThat(registry.shutdown(Duration.ofSeconds(20))).isTrue();

    assertThat(job.get().committed()).isTrue();
    assertThat(sink.commits).hasValue(1);
    assertThat(sink.aborts).hasValue(0);
  }

  @Test
  void shutdownCancelsJobsStillRunningAfterTheGracePeriodWithReasonShutdown() throws Exception {
    EndingSink first = new EndingSink();
    EndingSink second = new EndingSink();
    IngestionJob one = startSlow(first, 1L << 30);
    IngestionJob two = startSlow(second, 1L << 30);
    awaitBytes(one, 1);
    awaitBytes(two, 1);

    long start = System.nanoTime();
    assertThat(registry.shutdown(Duration.ofMillis(100))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

    for (IngestionJob job : List.of(one, two)) {
      assertThatThrownBy(job::get)
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              IngestionException.class,
              e -> {
                assertThat(e.reason()).isEqualTo(AbortReason.SHUTDOWN);
                assertThat(e.getCause()).isInstanceOf(CancelledException.class);
              });
    }
    assertThat(first.aborts).hasValue(1);
    assertThat(second.aborts).hasValue(1);
    assertThat(first.endings() + second.endings()).isEqualTo(2);
    assertThat(registry.jobs()).isEmpty();
  }

  @Test
  void noSluiceThreadIsLeftWhenShutdownReturns() throws Exception {
    Set<String> before = SluiceThreads.live(); // threads of other tests, if any, are not ours
    WorkerPool workers = registry.own(WorkerPool.of(2));
    SchedulerLag lag = registry.own(SchedulerLag.start());
    Set<Thread> writers = ConcurrentHashMap.newKeySet();
    IngestionListener recordWriter =
        new IngestionListener() {
          @Override
          public void onStart(IngestionJob job) {
            writers.add(Thread.currentThread());
          }
        };
    for (int i = 0; i < 3; i++) {
      Ingestion ingestion =
          Ingestion.from(Sources.generated(1L << 30, i))
              .through(Transforms.sha256())
              .through(Transforms.rate(SLOW))
              .to(new EndingSink())
              .chunkSize(16 * 1024)
              .timeout(Duration.ofMinutes(5)) // a task on the shared timeout scheduler
              .listener(recordWriter)
              .schedulerLag(lag)
              .registry(registry);
      (i == 0 ? ingestion.offload(workers) : ingestion).start();
    }
    Ingestion.from(Sources.generated(1000, 9)).to(new EndingSink()).registry(registry).run();
    await().atMost(5, TimeUnit.SECONDS).until(() -> writers.size() >= 3);
    assertThat(registry.liveJobs()).isGreaterThanOrEqualTo(3); // the three slow jobs
    assertThat(SluiceThreads.live())
        .as("threads while running")
        .anyMatch(name -> name.startsWith("sluice-write-"))
        .anyMatch(name -> name.startsWith("sluice-worker-"))
        .anyMatch(name -> name.startsWith("sluice-lag-"))
        .as("three jobs with a timeout, one timeout thread")
        .containsOnlyOnce("sluice-timeouts")
        .noneMatch(name -> name.startsWith("sluice-timeout-"));

    assertThat(registry.shutdown(Duration.ofMillis(50))).isTrue();

    assertThat(registry.liveJobs()).isZero();
    assertThat(writers).hasSize(3).noneMatch(Thread::isAlive);
    before.add("sluice-timeouts"); // the process's one timeout scheduler, shared by every job
    assertThat(SluiceThreads.live()).as("threads after shutdown").isSubsetOf(before);
  }

  @Test
  void shutdownClosesWhatTheRegistryOwnsAfterTheJobsEnded() throws Exception {
    EndingSink sink = new EndingSink();
    IngestionJob job = startSlow(sink, 1L << 30);
    awaitBytes(job, 1);
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    registry.own(() -> events.add("first closed, job done: " + job.isDone()));
    registry.own(() -> events.add("second closed"));

    registry.shutdown(Duration.ZERO);

    assertThat(events).containsExactly("second closed", "first closed, job done: true");
  }

  @Test
  void ownClosesAtOnceAfterShutdown() throws Exception {
    registry.shutdown(Duration.ZERO);
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    registry.own(() -> events.add("closed"));

    assertThat(events).containsExactly("closed");
  }

  @Test
  void aBurstOfStartsLooksAtLinearlyManyEntriesNotQuadratically() {
    AtomicLong now = new AtomicLong(1_000_000_000L); // still: only the size rule prunes
    JobRegistry timed = new JobRegistry(now::get);
    int transfers = 4096;
    List<TrackedTransfer> open = new java.util.ArrayList<>();
    for (int i = 0; i < transfers; i++) {
      open.add(timed.track("download", "d" + i, 1));
    }

    // pruning on every start looked at 0 + 1 + ... + 4095 entries (8.4 million)
    assertThat(timed.examinedByPruning()).isLessThan(4L * transfers);
    assertThat(timed.jobs()).hasSize(transfers);
    open.forEach(TrackedTransfer::close);
    assertThat(timed.jobs()).isEmpty();
  }

  @Test
  void whatEndedIsForgottenBySomeStartWithinASecond() {
    AtomicLong now = new AtomicLong(1_000_000_000L);
    JobRegistry timed = new JobRegistry(now::get);
    timed.track("download", "first", 1).close();

    timed.track("download", "second", 1);
    assertThat(timed.toString()).contains("2 jobs"); // the first is only forgotten lazily

    now.addAndGet(Duration.ofSeconds(1).toNanos());
    timed.track("download", "third", 1);
    assertThat(timed.toString()).contains("2 jobs"); // the first is gone
  }
}
