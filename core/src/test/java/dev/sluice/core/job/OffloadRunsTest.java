package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.Sinks;
import dev.sluice.core.Source;
import dev.sluice.core.Sources;
import dev.sluice.core.Transform;
import dev.sluice.core.testing.PeekingTransform;
import dev.sluice.core.testing.WaitingSource;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How an offloaded job's writes use the pool's workers: in runs that keep a worker while nothing
 * else waits for one, and give it up once something does.
 */
class OffloadRunsTest {

  private static final int CHUNK = 64 * 1024;

  private final AtomicInteger claims = new AtomicInteger();
  private final WorkerPool worker = new WorkerPool(1, 4, claims::incrementAndGet);

  @AfterEach
  void close() {
    worker.close();
  }

  /**
   * Counts the bytes written through it, parking {@code nanos} per chunk: slower than the reader.
   */
  private static Transform slowCounting(AtomicLong written, long nanos) {
    return PeekingTransform.of(
        "slow",
        chunk -> {
          LockSupport.parkNanos(nanos);
          written.addAndGet(chunk.remaining());
        });
  }

  @Test
  void aRunKeepsItsWorkerPastItsTurnWhileNoOtherWorkWaits() throws Exception {
    long size = 8 * ChunkWriter.RUN_BYTES;

    IngestionReport report =
        Ingestion.from(Sources.generated(size, 5))
            .through(slowCounting(new AtomicLong(), 20_000))
            .to(Sinks.discard())
            .chunkSize(CHUNK)
            .offload(worker)
            .run();

    assertThat(report.bytesOut()).isEqualTo(size);
    // taking turns every RUN_BYTES would claim the worker 8 times for the writes, once for the
    // commit; one run and the commit, with room for a reader that fell a grace behind
    assertThat(claims.get()).isBetween(2, 4);
  }

  @Test
  void aRunGivesItsWorkerUpOnceItsTurnIsOverAndOtherWorkWaits() throws Exception {
    long size = 16 * ChunkWriter.RUN_BYTES;
    AtomicLong written = new AtomicLong();
    IngestionJob job =
        Ingestion.from(Sources.generated(size, 6))
            .through(slowCounting(written, 50_000))
            .to(Sinks.discard())
            .chunkSize(CHUNK)
            .offload(worker)
            .start();
    await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > 0);

    long writtenWhenOtherWorkRan = worker.run(written::get);

    assertThat(writtenWhenOtherWorkRan).isLessThan(size);
    assertThat(job.get(60, TimeUnit.SECONDS).bytesOut()).isEqualTo(size);
  }

  @Test
  void aRunWaitingForItsReaderGivesItsWorkerUpToOtherWork() throws Exception {
    CountDownLatch releaseSource = new CountDownLatch(1);
    AtomicLong written = new AtomicLong();
    Source oneChunkThenStall = new WaitingSource(releaseSource, Duration.ofSeconds(60));
    IngestionJob job =
        Ingestion.from(oneChunkThenStall)
            .through(slowCounting(written, 0))
            .to(Sinks.discard())
            .chunkSize(CHUNK)
            .offload(worker)
            .start();
    await().atMost(Duration.ofSeconds(30)).until(() -> written.get() == CHUNK);

    // the job's reader is stalled: its run must not keep the only worker from this
    String ran = worker.run(() -> "ran");

    assertThat(ran).isEqualTo("ran");
    assertThat(job.isDone()).isFalse();
    releaseSource.countDown();
    assertThat(job.get(30, TimeUnit.SECONDS).bytesOut()).isEqualTo(CHUNK);
  }
}
