package dev.sluice.core.job;

import static dev.sluice.core.testing.IngestionAssertions.assertAborted;
import static dev.sluice.core.testing.IngestionAssertions.assertAbortedBy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.AbortReason;
import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.ObservingSink;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Transform;
import dev.sluice.core.Transforms;
import dev.sluice.core.testing.CountingSource;
import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The leading stages that only observe (digests, limits) run on the reader thread, as each chunk is
 * read; a stage after one that changes the bytes, and every stage with an offload pool, stays where
 * it was. Commit, abort, the report and the failure reasons are the same either way.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ObservingStagesTest {

  private static final int CHUNK = 64;
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  private final byte[] content = TestData.random(10 * CHUNK + 7);
  private final ThreadSource source = new ThreadSource(CountingSource.of(content));
  private final ThreadSink sink = new ThreadSink();

  @Test
  void aLeadingObserverRunsOnTheReaderThreadAndTheSinkOnTheWriter() throws IOException {
    Observer observer = new Observer("observer");

    IngestionReport report = ingest().through(observer).run();

    assertThat(source.threads).hasSize(1);
    assertThat(observer.threads).as("observed on").isEqualTo(source.threads);
    assertThat(sink.threads).hasSize(1).doesNotContainAnyElementsOf(source.threads);
    assertThat(observer.bytes.get()).isEqualTo(content.length);
    assertThat(sink.recorded.bytes()).isEqualTo(content);
    sink.recorded.assertCommittedOnce();
    assertThat(report.bytesIn()).isEqualTo(content.length);
    assertThat(report.bytesOut()).isEqualTo(content.length);
    assertThat(report.chunks()).isEqualTo(11);
  }

  @Test
  void anObserverAfterAByteChangingTransformStaysOnTheWriter() throws IOException {
    Observer first = new Observer("first");
    Observer afterGzip = new Observer("after-gzip");

    IngestionReport report =
        ingest().through(first).through(Transforms.gzip(1)).through(afterGzip).run();

    assertThat(first.threads).isEqualTo(source.threads);
    assertThat(afterGzip.threads).as("observed on").isEqualTo(sink.threads);
    assertThat(afterGzip.threads).doesNotContainAnyElementsOf(source.threads);
    assertThat(afterGzip.bytes.get()).isEqualTo(sink.recorded.bytes().length);
    assertThat(report.stageTimes()).containsOnlyKeys("first", "gzip", "after-gzip", "thread-sink");
  }

  @Test
  void withAnOffloadPoolEveryStageRunsOnItsWorkers() throws IOException {
    Observer observer = new Observer("observer");
    try (WorkerPool workers = WorkerPool.of(1)) {
      ingest().through(observer).offload(workers).run();
    }

    assertThat(observer.threads).isEqualTo(sink.threads);
    assertThat(observer.threads)
        .allSatisfy(t -> assertThat(t.getName()).startsWith("sluice-worker-"));
    sink.recorded.assertCommittedOnce();
  }

  @Test
  void eachChunkIsObservedBeforeTheWriterWritesItAndTheReaderRunsAheadByTheWindow()
      throws Exception {
    Observer observer = new Observer("observer");
    CountDownLatch firstWriteEntered = new CountDownLatch(1);
    CountDownLatch letWritesThrough = new CountDownLatch(1);
    sink.onWrite =
        () -> {
          sink.observedAtWrite.add(observer.chunks.get());
          firstWriteEntered.countDown();
          await(letWritesThrough);
        };
    IngestionJob job = ingest().through(observer).window(3).start();
    assertThat(firstWriteEntered.await(PROMPTLY.toSeconds(), TimeUnit.SECONDS)).isTrue();

    // the writer holds chunk 1; the reader observes chunks 2 and 3 (the window) meanwhile
    EngineGuaranteesTest.awaitCondition(
        () -> observer.chunks.get() == 3, "the reader observed the window");
    letWritesThrough.countDown();

    job.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    List<Integer> observed = sink.observedAtWrite;
    assertThat(observed).hasSize(11);
    for (int written = 1; written <= observed.size(); written++) {
      assertThat(observed.get(written - 1))
          .as("chunks observed when chunk %s was written", written)
          .isGreaterThanOrEqualTo(written);
    }
    assertThat(observer.chunks.get()).isEqualTo(11);
  }

  @Test
  void aLeadingObserverThatFailsIsATransformFailureNotTheSources() {
    IOException failure = new IOException("observer failed");
    Observer observer = new Observer("observer").failingAtChunk(3, failure);

    assertAbortedBy(ingest().through(observer), failure, AbortReason.TRANSFORM_FAILED);

    assertThat(observer.threads).isEqualTo(source.threads);
    assertThat(sink.recorded.bytes().length)
        .as("no chunk from the failed one on")
        .isLessThanOrEqualTo(2 * CHUNK);
    sink.recorded.assertAbortedOnce();
    assertThat(sink.recorded.abortCause()).isSameAs(failure);
    source.counting.assertClosedOnce();
  }

  @Test
  void anUncheckedFailureOfALeadingObserverIsATransformFailureToo() {
    IllegalStateException failure = new IllegalStateException("observer bug");
    Observer observer = new Observer("observer").failingAtChunk(1, failure);

    assertAbortedBy(ingest().through(observer), failure, AbortReason.TRANSFORM_FAILED);

    sink.recorded.assertAbortedOnce();
    assertThat(sink.recorded.writes()).isZero();
    source.counting.assertClosedOnce();
  }

  @Test
  void aDigestMismatchOnTheReaderIsClassifiedAndNothingIsCommitted() {
    String wrong = "00".repeat(32);

    IngestionException thrown =
        assertAborted(
            ingest().through(Transforms.limit(1 << 20)).through(Transforms.sha256(wrong)),
            AbortReason.DIGEST_MISMATCH);

    assertThat(thrown.getCause()).isInstanceOf(DigestMismatchException.class);
    assertThat(thrown.report().digests()).containsEntry("sha256", TestData.sha256Hex(content));
    assertThat(thrown.report().receipt()).isNull();
    assertThat(sink.recorded.bytes()).isEqualTo(content);
    assertThat(sink.recorded.commits()).isZero();
    sink.recorded.assertAbortedOnce();
    source.counting.assertClosedOnce();
  }

  @Test
  void aStageObservedOnTheReaderIsTimedWithoutTheWritesAfterIt() throws IOException {
    Observer observer = new Observer("observer").busyPerChunk(Duration.ofMillis(2));
    sink.busyPerWrite = Duration.ofMillis(5);

    IngestionReport report = ingest().through(observer).run();

    // before, a stage's own time was its time less the next stage's: an observer on the reader,
    // whose writes are not the next stage's, came out as zero
    assertThat(report.stageTimes().get("observer")).isGreaterThanOrEqualTo(Duration.ofMillis(22));
    assertThat(report.stageTimes().get("thread-sink"))
        .isGreaterThanOrEqualTo(Duration.ofMillis(55));
  }

  private Ingestion ingest() {
    return Ingestion.from(source).to(sink).chunkSize(CHUNK).window(2);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(PROMPTLY.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("not released in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void busy(Duration duration) {
    long end = System.nanoTime() + duration.toNanos();
    while (System.nanoTime() - end < 0) {
      Thread.onSpinWait();
    }
  }

  /** A transform that observes: it counts chunks and bytes and records the threads it ran on. */
  private static final class Observer implements Transform {
    private final String name;
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    final AtomicInteger chunks = new AtomicInteger();
    final AtomicInteger bytes = new AtomicInteger();
    private int failAt;
    private Throwable failure;
    private Duration busy = Duration.ZERO;

    Observer(String name) {
      this.name = name;
    }

    Observer failingAtChunk(int n, Throwable failure) {
      this.failAt = n;
      this.failure = failure;
      return this;
    }

    Observer busyPerChunk(Duration busy) {
      this.busy = busy;
      return this;
    }

    @Override
    public Sink apply(Sink downstream) {
      return new ObservingSink(downstream) {
        @Override
        public void observe(ByteBuffer chunk) throws IOException {
          threads.add(Thread.currentThread());
          if (chunks.incrementAndGet() == failAt) {
            if (failure instanceof IOException e) {
              throw e;
            }
            throw (RuntimeException) failure;
          }
          busy(busy);
          bytes.addAndGet(chunk.remaining());
          chunk.position(chunk.limit()); // consumes its view, not the chunk
        }

        @Override
        protected String name() {
          return name;
        }
      };
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** Records the threads that read it. */
  private static final class ThreadSource implements Source {
    final CountingSource counting;
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    ThreadSource(CountingSource counting) {
      this.counting = counting;
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
      threads.add(Thread.currentThread());
      return counting.read(into);
    }

    @Override
    public long length() {
      return counting.length();
    }

    @Override
    public void close() throws IOException {
      counting.close();
    }

    @Override
    public String toString() {
      return "thread-source";
    }
  }

  /** Records the threads that write it, and what it is written; may run a hook at each write. */
  private static final class ThreadSink implements Sink {
    final RecordingSink recorded = new RecordingSink();
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    final List<Integer> observedAtWrite = new CopyOnWriteArrayList<>();
    volatile Runnable onWrite = () -> {};
    volatile Duration busyPerWrite = Duration.ZERO;

    @Override
    public void write(ByteBuffer chunk) throws IOException {
      threads.add(Thread.currentThread());
      onWrite.run();
      busy(busyPerWrite);
      recorded.write(chunk);
    }

    @Override
    public Receipt commit() throws IOException {
      return recorded.commit();
    }

    @Override
    public void abort(Throwable cause) {
      recorded.abort(cause);
    }

    @Override
    public String toString() {
      return "thread-sink";
    }
  }
}
