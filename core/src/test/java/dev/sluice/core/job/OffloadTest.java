package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.AbortReason;
import dev.sluice.core.ForwardingSink;
import dev.sluice.core.Sinks;
import dev.sluice.core.Sources;
import dev.sluice.core.Transform;
import dev.sluice.core.Transforms;
import dev.sluice.core.testing.PeekingTransform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OffloadTest {

  private final WorkerPool workers = WorkerPool.of(2);

  @AfterEach
  void close() {
    workers.close();
  }

  /** Records the threads its writes run on. */
  private static Transform recordingThreads(Set<Thread> threads) {
    return PeekingTransform.of("threads", chunk -> threads.add(Thread.currentThread()));
  }

  @Test
  void offloadedTransformsRunOnWorkerThreadsNotVirtualThreads() throws IOException {
    Set<Thread> threads = ConcurrentHashMap.newKeySet();

    Ingestion.from(Sources.generated(1 << 20, 1))
        .through(recordingThreads(threads))
        .to(Sinks.discard())
        .chunkSize(16 * 1024)
        .offload(workers)
        .run();

    assertThat(threads)
        .isNotEmpty()
        .allSatisfy(
            t -> {
              assertThat(t.isVirtual()).isFalse();
              assertThat(t.getName()).startsWith("sluice-worker-");
            });
  }

  @Test
  void inlineTransformsRunOnTheWritersVirtualThread() throws IOException {
    Set<Thread> threads = ConcurrentHashMap.newKeySet();

    Ingestion.from(Sources.generated(1 << 20, 1))
        .through(recordingThreads(threads))
        .to(Sinks.discard())
        .chunkSize(16 * 1024)
        .run();

    assertThat(threads).hasSize(1).allMatch(Thread::isVirtual);
  }

  @Test
  void offloadGivesTheSameBytesInOrderAndTheSameDigestAsInline() throws IOException {
    ByteArrayOutputStream inline = new ByteArrayOutputStream();
    ByteArrayOutputStream offloaded = new ByteArrayOutputStream();
    long size = 3 * 1024 * 1024 + 17;

    IngestionReport inlineReport =
        Ingestion.from(Sources.generated(size, 7))
            .through(Transforms.sha256())
            .through(Transforms.gzip(1))
            .to(Sinks.to(inline))
            .chunkSize(64 * 1024)
            .run();
    IngestionReport offloadedReport =
        Ingestion.from(Sources.generated(size, 7))
            .through(Transforms.sha256())
            .through(Transforms.gzip(1))
            .to(Sinks.to(offloaded))
            .chunkSize(64 * 1024)
            .offload(workers)
            .run();

    assertThat(offloaded.toByteArray()).isEqualTo(inline.toByteArray());
    assertThat(offloadedReport.digests()).isEqualTo(inlineReport.digests()).containsKey("sha256");
    assertThat(offloadedReport.bytesIn()).isEqualTo(size);
    assertThat(offloadedReport.bytesOut()).isEqualTo(inlineReport.bytesOut());
  }

  @Test
  void offloadKeepsAtMostWindowChunksInFlight() throws IOException {
    IngestionReport report =
        Ingestion.from(Sources.generated(8 << 20, 3))
            .through(Transforms.sha256())
            .to(Sinks.discard())
            .chunkSize(32 * 1024)
            .window(3)
            .offload(workers)
            .run();

    assertThat(report.maxInFlight()).isBetween(1, 3);
    assertThat(report.chunks()).isEqualTo(256);
  }

  @Test
  void aFailingOffloadedTransformAbortsTheSinkOnceWithItsOwnFailure() {
    IOException failure = new IOException("transform broke at write 3");
    EndingSink sink = new EndingSink();
    Transform failing =
        Transforms.named(
            "failing",
            downstream ->
                new ForwardingSink(downstream) {
                  private int writes;

                  @Override
                  public void write(ByteBuffer chunk) throws IOException {
                    if (++writes == 3) {
                      throw failure;
                    }
                    super.write(chunk);
                  }

                  @Override
                  protected String name() {
                    return "failing";
                  }
                });
    ClosingSource source = new ClosingSource(Sources.generated(1 << 20, 4));

    assertThatThrownBy(
            () ->
                Ingestion.from(source)
                    .through(failing)
                    .to(sink)
                    .chunkSize(16 * 1024)
                    .offload(workers)
                    .run())
        .isInstanceOfSatisfying(
            IngestionException.class,
            e -> assertThat(e.reason()).isEqualTo(AbortReason.TRANSFORM_FAILED))
        .satisfies(e -> assertThat(e.getCause()).isSameAs(failure));
    assertThat(sink.aborts).hasValue(1);
    assertThat(sink.commits).hasValue(0);
    assertThat(sink.abortCause).isSameAs(failure);
    assertThat(source.closes).hasValue(1);
  }

  @Test
  void cancellingAnOffloadedJobStopsTheWorkerAndAbortsOnce() throws Exception {
    EndingSink sink = new EndingSink();
    IngestionJob job =
        Ingestion.from(Sources.generated(1L << 30, 5))
            .through(Transforms.rate(256 * 1024)) // sleeps on the worker
            .to(sink)
            .chunkSize(64 * 1024)
            .offload(workers)
            .start();
    await().atMost(5, TimeUnit.SECONDS).until(() -> job.bytesOut() > 0);

    assertThat(job.cancel(AbortReason.CANCELLED)).isTrue();

    assertThatThrownBy(() -> job.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            IngestionException.class, e -> assertThat(e.reason()).isEqualTo(AbortReason.CANCELLED));
    assertThat(sink.aborts).hasValue(1);
    assertThat(sink.commits).hasValue(0);
    // the pool is still healthy: the interrupt did not leak into the next job's rate limit
    IngestionReport next =
        Ingestion.from(Sources.generated(64 * 1024, 6))
            .through(Transforms.rate(1 << 20))
            .to(Sinks.discard())
            .offload(workers)
            .run();
    assertThat(next.committed()).isTrue();
  }

  @Test
  void aJobOnAClosedPoolIsAbortedWithReasonShutdown() {
    workers.close();
    EndingSink sink = new EndingSink();

    assertThatThrownBy(
            () ->
                Ingestion.from(Sources.generated(1000, 8))
                    .through(Transforms.sha256())
                    .to(sink)
                    .offload(workers)
                    .run())
        .isInstanceOfSatisfying(
            IngestionException.class, e -> assertThat(e.reason()).isEqualTo(AbortReason.SHUTDOWN))
        .hasRootCauseMessage("worker pool is closed: workers(2)");
    assertThat(sink.aborts).hasValue(1);
  }

  @Test
  void shutdownCancelsOffloadedJobsThenClosesTheOwnedPool() throws Exception {
    workers.close(); // only the registry's threads are left to check
    JobRegistry registry = new JobRegistry();
    WorkerPool owned = registry.own(WorkerPool.of(2));
    EndingSink sink = new EndingSink();
    IngestionJob job =
        Ingestion.from(Sources.generated(1L << 30, 9))
            .through(Transforms.sha256())
            .through(Transforms.rate(1 << 20))
            .to(sink)
            .chunkSize(64 * 1024)
            .offload(owned)
            .registry(registry)
            .start();
    await().atMost(5, TimeUnit.SECONDS).until(() -> job.bytesOut() > 0);

    assertThat(registry.shutdown(Duration.ofMillis(50))).isTrue();

    assertThat(owned.isClosed()).isTrue();
    assertThat(sink.aborts).hasValue(1);
    assertThat(registry.liveJobs()).isZero();
    assertThat(SluiceThreads.live()).noneMatch(name -> name.startsWith("sluice-worker-"));
  }
}
