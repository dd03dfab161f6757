package dev.sluice.core.testing;

import static dev.sluice.core.testing.IngestionAssertions.assertAbortedBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Transform;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link Transform} passes: its output is right whatever the chunking, and
 * commit, abort and downstream failures reach the downstream sink so that the chain ends exactly
 * once.
 *
 * {@snippet :
 * class Sha256Test extends TransformContract {
 *   @Override
 *   protected Transform transform() {
 *     return Transforms.sha256();
 *   }
 *
 *   @Override
 *   protected void assertTransformed(byte[] input, byte[] output) {
 *     assertThat(output).isEqualTo(input); // a digest passes the bytes on unchanged
 *   }
 * }
 * }
 */
public abstract class TransformContract {

  /** The chunk size the suite runs the engine with; sizes around it are the boundaries. */
  protected static final int CHUNK = 64;

  /** Returns the transform under test; called once per pipeline. */
  protected abstract Transform transform();

  /** Asserts that {@code output} is what the transform should make of {@code input}. */
  protected abstract void assertTransformed(byte[] input, byte[] output) throws IOException;

  /**
   * The input of about {@code size} bytes the suite feeds the transform; {@code input(0)} is its
   * form of an empty stream. By default {@code size} random bytes; a decoder returns encoded ones.
   */
  protected byte[] input(int size) throws IOException {
    return TestData.random(size);
  }

  /** Checks the report of a committed run, e.g. its digests. The default checks nothing. */
  protected void assertReport(byte[] input, IngestionReport report) throws IOException {}

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1, 2, CHUNK + 1})
  public void transformsOneByteWrites(int size) throws IOException {
    byte[] input = input(size);
    RecordingSink downstream = new RecordingSink();
    Sink sink = transform().apply(downstream);
    for (byte b : input) {
      ByteBuffer one = ByteBuffer.wrap(new byte[] {b});
      sink.write(one);
      assertThat(one.hasRemaining()).as("write consumes the whole chunk").isFalse();
    }
    sink.commit();
    downstream.assertCommittedOnce();
    assertTransformed(input, downstream.bytes());
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 1, 5000})
  public void transformsEveryChunkBoundarySizeThroughTheEngine(int size) throws IOException {
    byte[] input = input(size);
    RecordingSink downstream = new RecordingSink();

    IngestionReport report = ingest(input, downstream).run();

    downstream.assertCommittedOnce();
    assertTransformed(input, downstream.bytes());
    assertThat(report.bytesIn()).isEqualTo(input.length);
    assertThat(report.bytesOut()).isEqualTo(downstream.bytes().length);
    assertReport(input, report);
  }

  /**
   * With a window of one chunk the reader claims back the chunk the transform was just given,
   * clears it and reads the end of the stream into it before the writer commits.
   */
  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {CHUNK - 1, 3 * CHUNK + 1})
  public void transformsThroughAOneChunkWindow(int size) throws IOException {
    byte[] input = input(size);
    RecordingSink downstream = new RecordingSink();

    ingest(input, downstream).window(1).run();

    downstream.assertCommittedOnce();
    assertTransformed(input, downstream.bytes());
  }

  /**
   * A transform reads a chunk only within {@code write}: the engine reuses the chunk as soon as
   * {@code write} returns, so what the transform makes of it must not change after that.
   */
  @ParameterizedTest(name = "direct: {0}")
  @ValueSource(booleans = {false, true})
  public void keepsNoReferenceToAWrittenChunk(boolean direct) throws IOException {
    byte[] input = input(3 * CHUNK + 1);
    RecordingSink downstream = new RecordingSink();
    Sink sink = transform().apply(downstream);
    ByteBuffer reused = direct ? ByteBuffer.allocateDirect(CHUNK) : ByteBuffer.allocate(CHUNK);
    for (int offset = 0; offset < input.length; offset += CHUNK) {
      reused.clear().put(input, offset, Math.min(CHUNK, input.length - offset)).flip();
      sink.write(reused);
    }
    SinkContract.reuse(reused);
    sink.commit();
    downstream.assertCommittedOnce();
    assertTransformed(input, downstream.bytes());
  }

  @Test
  public void transformsEmptyInput() throws IOException {
    byte[] input = input(0);
    RecordingSink downstream = new RecordingSink();
    Sink sink = transform().apply(downstream);
    if (input.length > 0) {
      sink.write(ByteBuffer.wrap(input));
    }
    sink.commit();
    downstream.assertCommittedOnce();
    assertTransformed(input, downstream.bytes());
  }

  @Test
  public void passesAbortWithItsCauseDownstreamOnce() throws IOException {
    byte[] input = input(3 * CHUNK);
    RecordingSink downstream = new RecordingSink();
    Sink sink = transform().apply(downstream);
    sink.write(ByteBuffer.wrap(input, 0, input.length / 2));
    IOException cause = new IOException("test abort");

    sink.abort(cause);

    downstream.assertAbortedOnce();
    assertThat(downstream.abortCause()).isSameAs(cause);
  }

  @Test
  public void passesAbortBeforeAnyWriteDownstreamOnce() {
    RecordingSink downstream = new RecordingSink();
    IOException cause = new IOException("test abort");

    transform().apply(downstream).abort(cause);

    downstream.assertAbortedOnce();
    assertThat(downstream.abortCause()).isSameAs(cause);
  }

  @Test
  public void abortNeverThrowsEvenTwice() {
    Sink sink = transform().apply(new RecordingSink());
    IOException cause = new IOException("test abort");
    assertThatCode(
            () -> {
              sink.abort(cause);
              sink.abort(cause);
            })
        .doesNotThrowAnyException();
  }

  @Test
  public void aDownstreamFailureAtEveryWritePropagatesAndEndsTheChainOnce() throws IOException {
    byte[] input = input(5000);
    RecordingSink counting = new RecordingSink();
    ingest(input, counting).run();
    int downstreamWrites = counting.writes();

    for (int n = 1; n <= downstreamWrites; n++) {
      FailingSink downstream = FailingSink.atWrite(n);
      var run = ingest(input, downstream);

      assertAbortedBy(run, downstream.failure(), AbortReason.SINK_FAILED);
      downstream.recorded().assertAbortedOnce();
      assertThat(downstream.recorded().abortCause()).isSameAs(downstream.failure());
    }
  }

  @Test
  public void aDownstreamCommitFailurePropagatesAndEndsTheChainOnce() throws IOException {
    FailingSink downstream = FailingSink.atCommit();
    var run = ingest(input(3 * CHUNK), downstream);

    assertAbortedBy(run, downstream.failure(), AbortReason.SINK_FAILED);
    downstream.recorded().assertEndedOnce();
    assertThat(downstream.recorded().aborts()).as("aborts after a failed commit").isZero();
  }

  @Test
  public void aDownstreamCommitFailureCalledDirectlyIsThrownAndEndsTheDownstreamOnce()
      throws IOException {
    FailingSink downstream = FailingSink.atCommit();
    Sink sink = transform().apply(downstream);
    byte[] input = input(2 * CHUNK);
    sink.write(ByteBuffer.wrap(input));

    assertThatThrownBy(sink::commit).isSameAs(downstream.failure());
    downstream.recorded().assertEndedOnce();
  }

  private Ingestion ingest(byte[] input, Sink downstream) {
    return ingestion(CountingSource.of(input))
        .through(transform())
        .to(downstream)
        .chunkSize(CHUNK)
        .window(2);
  }

  /**
   * Starts describing an ingestion of {@code source} as this suite runs it. Override to run the
   * whole suite with an engine option on, e.g. {@code super.ingestion(source).offload(workers)}.
   */
  protected Ingestion ingestion(Source source) {
    return Ingestion.from(source);
  }
}
