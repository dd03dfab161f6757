package dev.sluice.core.job;

import static dev.sluice.core.testing.IngestionAssertions.assertAborted;
import static dev.sluice.core.testing.IngestionAssertions.assertAbortedBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.AbortReason;
import dev.sluice.core.CancelledException;
import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.ForwardingSink;
import dev.sluice.core.LimitExceededException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Transform;
import dev.sluice.core.Transforms;
import dev.sluice.core.testing.CancellingListener;
import dev.sluice.core.testing.CountingSource;
import dev.sluice.core.testing.FailingSink;
import dev.sluice.core.testing.FailingSource;
import dev.sluice.core.testing.FailingTransform;
import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.SlowSink;
import dev.sluice.core.testing.StalledSource;
import dev.sluice.core.testing.TestData;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's guarantees (DESIGN.md §1): exactly one ending on every path, the source closed
 * exactly once, the root cause first with later failures suppressed, a typed reason, a bounded
 * window, and a prompt end after cancel.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EngineGuaranteesTest {

  private static final int CHUNK = 64;
  private static final Duration PROMPTLY = Duration.ofSeconds(5);

  private final byte[] content = TestData.random(4 * CHUNK);

  // ---- exactly one ending, the source closed once, the right reason --------------------------

  @ParameterizedTest(name = "source fails at byte {0}")
  @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 4 * CHUNK - 1, 4 * CHUNK})
  void theSinkIsAbortedOnceWhenTheSourceFailsAtByteN(int failAt) {
    FailingSource source = new FailingSource(content, failAt);
    RecordingSink sink = new RecordingSink();

    assertAbortedBy(ingest(source, sink), source.failure(), AbortReason.SOURCE_FAILED);

    sink.assertAbortedOnce();
    assertThat(sink.abortCause()).isSameAs(source.failure());
    assertThat(sink.bytes()).isEqualTo(Arrays.copyOf(content, sink.bytes().length));
    assertThat(sink.bytes().length).isLessThanOrEqualTo(failAt);
    source.assertClosedOnce();
  }

  @ParameterizedTest(name = "transform fails at write {0}")
  @ValueSource(ints = {1, 2, 4})
  void theSinkIsAbortedOnceWhenATransformFailsAtWriteN(int n) {
    CountingSource source = CountingSource.of(content);
    FailingTransform transform = FailingTransform.atWrite(n);
    RecordingSink sink = new RecordingSink();

    assertAbortedBy(
        ingest(source, sink).through(transform), transform.failure(), AbortReason.TRANSFORM_FAILED);

    sink.assertAbortedOnce();
    assertThat(sink.writes()).isEqualTo(n - 1);
    source.assertClosedOnce();
  }

  @Test
  void theSinkIsAbortedOnceWhenATransformRefusesToCommit() {
    CountingSource source = CountingSource.of(content);
    FailingTransform transform = FailingTransform.atCommit();
    RecordingSink sink = new RecordingSink();

    assertAbortedBy(
        ingest(source, sink).through(transform), transform.failure(), AbortReason.TRANSFORM_FAILED);

    sink.assertAbortedOnce();
    assertThat(sink.bytes()).isEqualTo(content);
    source.assertClosedOnce();
  }

  @Test
  void theSinkIsAbortedOnceWhenATransformFailsToApply() {
    CountingSource source = CountingSource.of(content);
    IllegalStateException failure = new IllegalStateException("cannot build this stage");
    Transform broken =
        Transforms.named(
            "broken",
            downstream -> {
              throw failure;
            });
    RecordingSink sink = new RecordingSink();

    assertAbortedBy(ingest(source, sink).through(broken), failure, AbortReason.TRANSFORM_FAILED);

    sink.assertAbortedOnce();
    source.assertClosedOnce();
  }

  @ParameterizedTest(name = "sink fails at write {0}")
  @ValueSource(ints = {1, 2, 4})
  void theSinkIsAbortedOnceWhenItFailsAtWriteN(int n) {
    CountingSource source = CountingSource.of(content);
    FailingSink sink = FailingSink.atWrite(n);

    assertAbortedBy(ingest(source, sink), sink.failure(), AbortReason.SINK_FAILED);

    sink.recorded().assertAbortedOnce();
    assertThat(sink.recorded().abortCause()).isSameAs(sink.failure());
    source.assertClosedOnce();
  }

  static Stream<Throwable> uncheckedFailures() {
    return Stream.of(
        new IllegalStateException("sink bug"), new AssertionError("sink invariant broken"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("uncheckedFailures")
  void anUncheckedSinkFailureStillEndsItOnceAndIsTheRootCause(Throwable failure) {
    CountingSource source = CountingSource.of(content);
    FailingSink sink = FailingSink.atWrite(2, failure);

    assertAbortedBy(ingest(source, sink), failure, AbortReason.SINK_FAILED);

    sink.recorded().assertAbortedOnce();
    source.assertClosedOnce();
  }

  @Test
  void aFailedCommitEndsTheSinkWithoutAnAbort() {
    CountingSource source = CountingSource.of(content);
    FailingSink sink = FailingSink.atCommit();

    assertAbortedBy(ingest(source, sink), sink.failure(), AbortReason.SINK_FAILED);

    sink.recorded().assertEndedOnce();
    assertThat(sink.recorded().aborts()).isZero();
    source.assertClosedOnce();
  }

  @Test
  void theSinkIsAbortedOnceWhenTheExpectedDigestDoesNotMatch() {
    CountingSource source = CountingSource.of(content);
    String wrong = "00".repeat(32);
    RecordingSink sink = new RecordingSink();

    IngestionException thrown =
        assertAborted(
            ingest(source, sink).through(Transforms.sha256(wrong)), AbortReason.DIGEST_MISMATCH);

    String actual = TestData.sha256Hex(content);
    assertThat(thrown.getCause())
        .isInstanceOf(DigestMismatchException.class)
        .hasMessage("sha256 mismatch: expected " + wrong + " but was " + actual);
    assertThat(thrown.report().digests()).containsEntry("sha256", actual);
    sink.assertAbortedOnce();
    assertThat(sink.abortCause()).isSameAs(thrown.getCause());
    source.assertClosedOnce();
  }

  @Test
  void theSinkIsAbortedOnceWhenTheSizeLimitIsExceeded() {
    CountingSource source = CountingSource.of(content);
    RecordingSink sink = new RecordingSink();

    IngestionException thrown =
        assertAborted(
            ingest(source, sink).through(Transforms.limit(2 * CHUNK + 1, "body size")),
            AbortReason.LIMIT_EXCEEDED);

    assertThat(thrown.getCause())
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("body size exceeds the limit of 129 B (129)");
    // refused as the reader reads it: the two chunks before it may not have reached the sink
    assertThat(sink.bytes().length).isLessThanOrEqualTo(2 * CHUNK);
    assertThat(sink.bytes()).isEqualTo(Arrays.copyOf(content, sink.bytes().length));
    sink.assertAbortedOnce();
    source.assertClosedOnce();
  }

  @Test
  void cancellingWhileTheSinkIsBlockedInWriteAbortsItOnceAndEndsPromptly() throws Exception {
    CountingSource source = CountingSource.of(content);
    SlowSink sink = SlowSink.gated();
    IngestionJob job = ingest(source, sink).start();
    assertThat(sink.awaitWrite(PROMPTLY)).as("the sink was entered").isTrue();

    assertThat(job.cancel(AbortReason.CANCELLED)).isTrue();

    IngestionException thrown = awaitFailure(job);
    assertThat(thrown.reason()).isEqualTo(AbortReason.CANCELLED);
    assertThat(thrown.getCause())
        .isInstanceOf(CancelledException.class)
        .hasMessage("cancelled (CANCELLED): " + job.pipeline());
    assertThat(thrown.getCause().getSuppressed())
        .as("our own interruptions are not news")
        .isEmpty();
    assertThat(job.isCancelled()).isTrue();
    assertThat(job.cancel(AbortReason.CANCELLED)).as("a second cancel").isFalse();
    sink.recorded().assertAbortedOnce();
    assertThat(sink.accepted()).isZero();
    source.assertClosedOnce();
  }

  @Test
  void aCancelRaisedOnTheWriterThreadStopsBeforeTheNextChunk() {
    CountingSource source = CountingSource.of(TestData.random(8 * CHUNK));
    RecordingSink sink = new RecordingSink();

    IngestionException thrown =
        assertAborted(
            ingest(source, sink).window(4).listener(CancellingListener.atChunk(1)),
            AbortReason.CANCELLED);

    assertThat(sink.writes()).as("chunks written after the cancel").isEqualTo(1);
    assertThat(thrown.report().chunks()).isEqualTo(1);
    sink.assertAbortedOnce();
    source.assertClosedOnce();
  }

  @Test
  void aCancelAtAnyMomentEndsTheSinkOnceAndAgreesWithTheOutcome() throws Exception {
    SplittableRandom random = new SplittableRandom(7);
    for (int run = 0; run < 200; run++) {
      CountingSource source = CountingSource.of(TestData.random(32 * CHUNK));
      RecordingSink sink = new RecordingSink();
      IngestionJob job = ingest(source, sink).window(2).start();
      LockSupport.parkNanos(random.nextLong(0, 300_000));

      boolean stopped = job.cancel(AbortReason.CANCELLED);

      try {
        IngestionReport report = job.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
        assertThat(stopped).as("run %s: cancel returned true but the job committed", run).isFalse();
        assertThat(report.committed()).isTrue();
        sink.assertCommittedOnce();
      } catch (ExecutionException e) {
        IngestionException failure = (IngestionException) e.getCause();
        assertThat(stopped).as("run %s: cancel returned false but the job aborted", run).isTrue();
        assertThat(failure.reason()).isEqualTo(AbortReason.CANCELLED);
        sink.assertAbortedOnce();
      }
      source.assertClosedOnce();
    }
  }

  @Test
  void aCancelAfterTheCommitChangesNothing() throws Exception {
    RecordingSink sink = new RecordingSink();
    IngestionJob job = ingest(CountingSource.of(content), sink).start();
    IngestionReport report = job.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);

    assertThat(job.cancel(AbortReason.CANCELLED)).isFalse();

    assertThat(job.isCancelled()).isFalse();
    assertThat(job.get()).isSameAs(report);
    sink.assertCommittedOnce();
  }

  @Test
  void aTimeoutWhileTheSinkIsBlockedAbortsItOnceWithReasonTimeout() throws Exception {
    CountingSource source = CountingSource.of(content);
    SlowSink sink = SlowSink.gated();

    IngestionJob job = ingest(source, sink).timeout(Duration.ofMillis(200)).start();

    IngestionException thrown = awaitFailure(job);
    assertThat(thrown.reason()).isEqualTo(AbortReason.TIMEOUT);
    assertThat(thrown.getCause())
        .isInstanceOf(CancelledException.class)
        .hasMessage("timed out after PT0.2S: " + job.pipeline());
    sink.recorded().assertAbortedOnce();
    source.assertClosedOnce();
  }

  @Test
  void aTimeoutWhileTheSourceIsStalledUninterruptiblyEndsTheJobByClosingIt() throws Exception {
    StalledSource source = new StalledSource(content);
    RecordingSink sink = new RecordingSink();

    IngestionJob job = ingest(source, sink).timeout(Duration.ofMillis(200)).start();

    IngestionException thrown = awaitFailure(job);
    assertThat(source.hasStalled()).isTrue();
    assertThat(thrown.reason()).isEqualTo(AbortReason.TIMEOUT);
    assertThat(thrown.getCause().getSuppressed())
        .as("the read failing because the engine closed the source is not news")
        .isEmpty();
    assertThat(sink.bytes()).isEqualTo(content);
    sink.assertAbortedOnce();
    source.assertClosedOnce();
  }

  @Test
  void aJobThatEndsBeforeItsTimeoutCommits() throws IOException {
    CountingSource source = CountingSource.of(content);
    RecordingSink sink = new RecordingSink();

    IngestionReport report = ingest(source, sink).timeout(Duration.ofMinutes(1)).run();

    assertThat(report.outcome()).isEqualTo(Outcome.COMMITTED);
    assertThat(report.reason()).isNull();
    sink.assertCommittedOnce();
    source.assertClosedOnce();
  }

  @Test
  void theSourceIsClosedOnceAndTheSinkCommittedOnceOnSuccess() throws IOException {
    CountingSource source = CountingSource.of(content);
    RecordingSink sink = new RecordingSink();

    IngestionReport report = ingest(source, sink).run();

    sink.assertCommittedOnce();
    source.assertClosedOnce();
    assertThat(sink.bytes()).isEqualTo(content);
    assertThat(report.bytesIn()).isEqualTo(content.length);
    assertThat(report.bytesOut()).isEqualTo(content.length);
    assertThat(report.chunks()).isEqualTo(4);
    assertThat(report.receipt()).isEqualTo(Receipt.of("memory").with("bytes", content.length));
  }

  @Test
  void aSourceWhoseCloseFailsAfterTheLastByteAbortsTheSinkOnce() {
    IOException closeFailure = new IOException("close failed");
    CountingSource source = CountingSource.of(content).failingClose(closeFailure);
    RecordingSink sink = new RecordingSink();

    assertAbortedBy(ingest(source, sink), closeFailure, AbortReason.SOURCE_FAILED);

    sink.assertAbortedOnce();
    source.assertClosedOnce();
  }

  @Test
  void aSinkThatCommitsWithoutAReceiptIsCommittedOnceAndTheJobCompletes() throws Exception {
    CountingSource source = CountingSource.of(content);
    RecordingSink recorded = new RecordingSink();
    Sink noReceipt =
        new ForwardingSink(recorded) {
          @Override
          public Receipt commit() throws IOException {
            super.commit();
            return null;
          }

          @Override
          protected String name() {
            return "no-receipt";
          }
        };

    IngestionReport report =
        ingest(source, noReceipt).start().get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);

    assertThat(report.outcome()).isEqualTo(Outcome.COMMITTED);
    assertThat(report.receipt()).isEqualTo(Receipt.of(noReceipt.toString()));
    recorded.assertCommittedOnce();
    source.assertClosedOnce();
  }

  @Test
  void interruptingTheThreadInRunCancelsTheJobAndEndsTheSinkOnce() throws Exception {
    CountingSource source = CountingSource.of(content);
    SlowSink sink = SlowSink.gated();
    java.util.concurrent.CompletableFuture<Throwable> outcome =
        new java.util.concurrent.CompletableFuture<>();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    ingest(source, sink).run();
                    outcome.complete(null);
                  } catch (Throwable t) {
                    outcome.complete(t);
                  }
                });
    assertThat(sink.awaitWrite(PROMPTLY)).isTrue();

    caller.interrupt();

    assertThat(outcome.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(java.io.InterruptedIOException.class)
        .hasMessageStartingWith("interrupted while running ");
    sink.recorded().assertAbortedOnce();
    assertThat(sink.recorded().abortCause()).isInstanceOf(CancelledException.class);
    source.assertClosedOnce();
  }

  @Test
  void futureCancelStopsTheJobAsCancelled() throws Exception {
    SlowSink sink = SlowSink.gated();
    IngestionJob job = ingest(CountingSource.of(content), sink).start();
    assertThat(sink.awaitWrite(PROMPTLY)).isTrue();

    assertThat(job.cancel(true)).isTrue();

    assertThat(awaitFailure(job).reason()).isEqualTo(AbortReason.CANCELLED);
    assertThat(job.isDone()).isTrue();
    assertThat(job.isCancelled()).isTrue();
    sink.recorded().assertAbortedOnce();
  }

  @Test
  void aListenerThatThrowsDoesNotBreakTheTransfer() throws IOException {
    RecordingSink sink = new RecordingSink();
    IngestionListener broken =
        new IngestionListener() {
          @Override
          public void onStart(IngestionJob job) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onChunk(int bytes, long writeNanos) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onEnd(IngestionReport report) {
            throw new IllegalStateException("listener bug");
          }
        };

    IngestionReport report = ingest(CountingSource.of(content), sink).listener(broken).run();

    assertThat(report.committed()).isTrue();
    assertThat(sink.bytes()).isEqualTo(content);
  }

  // ---- the root cause wins --------------------------------------------------------------------

  @Test
  void laterFailuresAreAttachedToTheRootCauseAsSuppressed() {
    IOException closeFailure = new IOException("close failed too");
    FailingSource source = new FailingSource(content, CHUNK + 3).failingClose(closeFailure);
    FailingSink sink = FailingSink.atAbort(new IllegalStateException("abort failed too"));

    IngestionException thrown =
        assertAbortedBy(ingest(source, sink), source.failure(), AbortReason.SOURCE_FAILED);

    assertThat(thrown.getCause().getSuppressed())
        .containsExactlyInAnyOrder(closeFailure, sink.failure());
    assertThat(thrown).hasMessage("SOURCE_FAILED: injected source failure at byte 67");
    sink.recorded().assertAbortedOnce();
    source.assertClosedOnce();
  }

  @Test
  void theSinkFailureIsTheRootCauseNotTheReadersInterruption() {
    CountingSource source = CountingSource.of(TestData.random(20 * CHUNK));
    FailingSink sink = FailingSink.atWrite(3);

    IngestionException thrown =
        assertAbortedBy(ingest(source, sink).window(1), sink.failure(), AbortReason.SINK_FAILED);

    assertThat(thrown.getCause().getSuppressed()).isEmpty();
    source.assertClosedOnce();
  }

  // ---- backpressure -----------------------------------------------------------------------------

  @ParameterizedTest(name = "window {0}")
  @ValueSource(ints = {1, 2, 4})
  void theSourceIsNeverMoreThanWindowChunksAheadOfASlowSink(int window) throws Exception {
    int total = 12;
    CountingSource source = CountingSource.of(TestData.random(total * CHUNK));
    SlowSink sink = SlowSink.gated().observing(source);
    IngestionJob job = ingest(source, sink).window(window).start();

    // let one chunk through at a time, each only once the source has filled the window
    for (int accepted = 0; accepted < total; accepted++) {
      int expected = Math.min(total, accepted + window);
      awaitCondition(() -> source.chunksRead() >= expected, "source filled the window");
      sink.release(1);
    }

    IngestionReport report = job.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    assertThat(report.maxInFlight()).isLessThanOrEqualTo(window).isEqualTo(window);
    assertThat(sink.maxAhead()).isLessThanOrEqualTo(window).isEqualTo(window);
    assertThat(sink.recorded().bytes()).hasSize(total * CHUNK);
    sink.recorded().assertCommittedOnce();
  }

  @Test
  void aSlowSinkPacesTheSourceWithoutLosingBytes() throws IOException {
    byte[] bytes = TestData.random(30 * CHUNK + 5);
    CountingSource source = CountingSource.of(bytes);
    SlowSink sink = SlowSink.pausing(Duration.ofMillis(1)).observing(source);

    IngestionReport report = ingest(source, sink).window(3).run();

    assertThat(sink.maxAhead()).isBetween(1, 3);
    assertThat(report.maxInFlight()).isBetween(1, 3);
    assertThat(sink.recorded().bytes()).isEqualTo(bytes);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The ingestion every test runs; a subclass may turn an engine option on for all of them. */
  Ingestion ingest(Source source, Sink sink) {
    return Ingestion.from(source).to(sink).chunkSize(CHUNK).window(2);
  }

  private static IngestionException awaitFailure(IngestionJob job) throws Exception {
    try {
      job.get(PROMPTLY.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(IngestionException.class);
      return (IngestionException) e.getCause();
    }
    throw new AssertionError("the job committed");
  }

  static void awaitCondition(BooleanSupplier condition, String what) {
    await(what).atMost(PROMPTLY).pollInterval(Duration.ofMillis(1)).until(condition::getAsBoolean);
  }

  @Test
  void runRefusesAPipelineWithoutASink() {
    assertThatThrownBy(() -> Ingestion.from(CountingSource.of(content)).run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no sink: call to(sink) before start()");
  }
}
