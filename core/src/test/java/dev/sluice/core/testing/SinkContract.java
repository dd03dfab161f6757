package dev.sluice.core.testing;

import static dev.sluice.core.testing.IngestionAssertions.assertAborted;
import static dev.sluice.core.testing.IngestionAssertions.assertAbortedBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.AbortReason;
import dev.sluice.core.CancelledException;
import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Transform;
import dev.sluice.core.job.Ingestion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link Sink} passes: what a commit makes visible is exactly what was written,
 * an abort (at any point) leaves nothing visible, and through the engine it ends exactly once
 * whichever step fails.
 *
 * <p>A subclass makes a fresh sink per call of {@link #newSink} (each test uses one or two) and
 * says how to see what the last sink made visible.
 *
 * {@snippet :
 * class FileSinkTest extends SinkContract {
 *   @TempDir Path dir;
 *
 *   @Override
 *   protected Sink newSink() throws IOException {
 *     return Sinks.file(dir.resolve("out.bin"));
 *   }
 *
 *   @Override
 *   protected void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
 *     assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(expected);
 *   }
 *
 *   @Override
 *   protected void assertNothingVisible() throws IOException {
 *     assertThat(dir).isEmptyDirectory();
 *   }
 * }
 * }
 */
public abstract class SinkContract {

  /** The chunk size the suite runs the engine with; sizes around it are the boundaries. */
  protected static final int CHUNK = 64;

  /** Returns a new sink; the suite ends every sink it makes. */
  protected abstract Sink newSink() throws IOException;

  /** Asserts that the last committed sink made exactly {@code expected} visible. */
  protected abstract void assertCommitted(byte[] expected, Receipt receipt) throws IOException;

  /**
   * Asserts that nothing of the last (aborted) sink is visible: no object, no temporary file, no
   * rows. Sinks that cannot take back what they sent (a stream) assert what they do promise.
   */
  protected abstract void assertNothingVisible() throws IOException;

  /**
   * The content of {@code size} bytes the suite writes. By default random bytes; a sink that parses
   * what it is given (CSV, NDJSON) returns valid input of exactly {@code size} bytes.
   */
  protected byte[] content(int size) throws IOException {
    return TestData.random(size);
  }

  /**
   * Whether an empty input is valid for this sink. A sink whose format needs something (a CSV
   * header row) answers false: the suite then expects committing nothing to fail with an {@link
   * InvalidInputException}, through the engine as {@link AbortReason#INVALID_INPUT}, leaving
   * nothing visible.
   */
  protected boolean acceptsEmptyInput() {
    return true;
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1, 2, CHUNK + 1})
  public void commitsOneByteWritesInOrder(int size) throws IOException {
    byte[] content = content(size);
    Sink sink = newSink();
    for (byte b : content) {
      ByteBuffer one = ByteBuffer.wrap(new byte[] {b});
      sink.write(one);
      assertThat(one.hasRemaining()).as("write consumes the whole chunk").isFalse();
    }
    assertCommitted(content, sink.commit());
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 1})
  public void commitsEveryChunkBoundarySizeThroughTheEngine(int size) throws IOException {
    byte[] content = content(size);
    RecordingSink sink = RecordingSink.around(newSink());
    if (size == 0 && !acceptsEmptyInput()) {
      assertAborted(
          ingestion(CountingSource.of(content)).to(sink).chunkSize(CHUNK),
          AbortReason.INVALID_INPUT);
      sink.assertEndedOnce();
      assertNothingVisible();
      return;
    }

    var report = ingestion(CountingSource.of(content)).to(sink).chunkSize(CHUNK).run();

    sink.assertCommittedOnce();
    assertThat(report.bytesOut()).isEqualTo(size);
    assertCommitted(content, report.receipt());
  }

  /**
   * With a window of one chunk the reader claims back the chunk the sink was just given, clears it
   * and reads the end of the stream into it before the writer commits.
   */
  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {CHUNK - 1, 3 * CHUNK + 1})
  public void commitsThroughAOneChunkWindow(int size) throws IOException {
    byte[] content = content(size);
    RecordingSink sink = RecordingSink.around(newSink());

    var report = ingestion(CountingSource.of(content)).to(sink).chunkSize(CHUNK).window(1).run();

    sink.assertCommittedOnce();
    assertCommitted(content, report.receipt());
  }

  @Test
  public void commitsEmptyInputAsEmpty() throws IOException {
    Sink sink = newSink();
    if (!acceptsEmptyInput()) {
      assertThatThrownBy(sink::commit).isInstanceOf(InvalidInputException.class);
      assertNothingVisible();
      return;
    }
    assertCommitted(new byte[0], sink.commit());
  }

  @Test
  public void acceptsDirectAndOffsetHeapBuffers() throws IOException {
    byte[] content = content(3 * CHUNK);
    Sink sink = newSink();
    ByteBuffer direct = ByteBuffer.allocateDirect(CHUNK).put(content, 0, CHUNK).flip();
    sink.write(direct);
    byte[] padded = new byte[CHUNK + 10];
    System.arraycopy(content, CHUNK, padded, 7, CHUNK);
    sink.write(ByteBuffer.wrap(padded, 7, CHUNK).slice());
    sink.write(ByteBuffer.wrap(content, 2 * CHUNK, CHUNK));
    assertCommitted(content, sink.commit());
  }

  @Test
  public void keepsNoReferenceToAWrittenChunk() throws IOException {
    byte[] content = content(2 * CHUNK);
    Sink sink = newSink();
    ByteBuffer reused = ByteBuffer.allocate(CHUNK);
    for (int offset = 0; offset < content.length; offset += CHUNK) {
      reused.clear().put(content, offset, CHUNK).flip();
      sink.write(reused);
    }
    reuse(reused);
    assertCommitted(content, sink.commit());
  }

  @Test
  public void abortWithoutWritesLeavesNothing() throws IOException {
    Sink sink = newSink();
    sink.abort(new IOException("test abort"));
    assertNothingVisible();
  }

  @Test
  public void abortAfterPartialWritesLeavesNothing() throws IOException {
    Sink sink = newSink();
    byte[] content = content(CHUNK + 3);
    sink.write(ByteBuffer.wrap(content, 0, CHUNK));
    sink.write(ByteBuffer.wrap(content, CHUNK, 3));
    sink.abort(new IOException("test abort"));
    assertNothingVisible();
  }

  @Test
  public void abortIsIdempotentAndNeverThrows() throws IOException {
    Sink sink = newSink();
    sink.write(ByteBuffer.wrap(content(CHUNK)));
    IOException cause = new IOException("test abort");
    assertThatCode(
            () -> {
              sink.abort(cause);
              sink.abort(cause);
            })
        .doesNotThrowAnyException();
    assertNothingVisible();
  }

  @ParameterizedTest(name = "source fails at byte {0}")
  @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK})
  public void aSourceFailureAbortsItOnceAndLeavesNothing(int failAt) throws IOException {
    FailingSource source = new FailingSource(content(4 * CHUNK), failAt);
    RecordingSink sink = RecordingSink.around(newSink());

    var run = ingestion(source).to(sink).chunkSize(CHUNK).window(2);

    assertAbortedBy(run, source.failure(), AbortReason.SOURCE_FAILED);
    sink.assertAbortedOnce();
    assertThat(sink.abortCause()).isSameAs(source.failure());
    source.assertClosedOnce();
    assertNothingVisible();
  }

  /** Transforms failing at their first, second and fourth write, and one refusing to commit. */
  static Stream<FailingTransform> failingTransforms() {
    return Stream.of(
        FailingTransform.atWrite(1),
        FailingTransform.atWrite(2),
        FailingTransform.atWrite(4),
        FailingTransform.atCommit());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failingTransforms")
  public void aFailingTransformAbortsItOnceAndLeavesNothing(FailingTransform transform)
      throws IOException {
    RecordingSink sink = RecordingSink.around(newSink());

    var run = ingest(content(4 * CHUNK), transform, sink);

    assertAbortedBy(run, transform.failure(), AbortReason.TRANSFORM_FAILED);
    sink.assertAbortedOnce();
    assertNothingVisible();
  }

  @Test
  public void aCancelAfterTheFirstChunkAbortsItOnceAndLeavesNothing() throws IOException {
    RecordingSink sink = RecordingSink.around(newSink());

    var run =
        ingestion(CountingSource.of(content(8 * CHUNK)))
            .to(sink)
            .chunkSize(CHUNK)
            .window(2)
            .listener(CancellingListener.atChunk(1));

    assertAborted(run, AbortReason.CANCELLED);
    sink.assertAbortedOnce();
    assertThat(sink.abortCause()).isInstanceOf(CancelledException.class);
    assertNothingVisible();
  }

  private Ingestion ingest(byte[] content, Transform transform, Sink sink) {
    return ingestion(CountingSource.of(content))
        .through(transform)
        .to(sink)
        .chunkSize(CHUNK)
        .window(2);
  }

  /**
   * Does to {@code chunk} what the engine does to a chunk the stage gave back: clears it and reads
   * other bytes into it (here a filler), so that a stage still holding it sees both.
   */
  static void reuse(ByteBuffer chunk) {
    chunk.clear();
    while (chunk.hasRemaining()) {
      chunk.put((byte) 0x5a);
    }
    chunk.clear();
  }

  /**
   * Starts describing an ingestion of {@code source} as this suite runs it. Override to run the
   * whole suite with an engine option on, e.g. {@code super.ingestion(source).offload(workers)}.
   */
  protected Ingestion ingestion(Source source) {
    return Ingestion.from(source);
  }
}
