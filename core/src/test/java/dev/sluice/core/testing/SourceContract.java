package dev.sluice.core.testing;

import static dev.sluice.core.testing.IngestionAssertions.assertAbortedBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Source;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link Source} passes. A subclass says how to make a source that produces
 * given bytes; the suite reads it through odd buffer sizes, chunk boundaries and the engine.
 *
 * {@snippet :
 * class FileSourceTest extends SourceContract {
 *   @TempDir Path dir;
 *
 *   @Override
 *   protected Source newSource(byte[] content) throws IOException {
 *     Path file = Files.write(dir.resolve("in.bin"), content);
 *     return Sources.file(file);
 *   }
 * }
 * }
 */
public abstract class SourceContract {

  /** The chunk size the suite runs the engine with; sizes around it are the boundaries. */
  protected static final int CHUNK = 64;

  /** Returns a new source that produces exactly {@code content}. */
  protected abstract Source newSource(byte[] content) throws IOException;

  /**
   * The content of {@code size} bytes the suite asks {@link #newSource} for. By default random
   * bytes; a source that makes its own bytes (a generator) returns what it will produce, and one
   * whose format has a smallest non-empty output (a query export's first row) may return that for a
   * smaller positive {@code size}. Zero stays zero.
   */
  protected byte[] content(int size) throws IOException {
    return TestData.random(size);
  }

  /**
   * Asserts that the resource behind {@code source} (a stream, a channel, a file handle) has been
   * released after close. The default checks nothing; override where it can be observed.
   */
  protected void assertReleased(Source source) throws IOException {}

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {1, 2, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 1})
  public void readsEveryByteIntoOneByteBuffers(int size) throws IOException {
    byte[] content = content(size);
    try (Source source = newSource(content)) {
      assertThat(readAll(source, ByteBuffer.allocate(1))).isEqualTo(content);
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 1})
  public void deliversEveryChunkBoundarySizeThroughTheEngine(int size) throws IOException {
    byte[] content = content(size);
    Source source = newSource(content);
    RecordingSink sink = new RecordingSink();

    IngestionReport report = ingestion(source).to(sink).chunkSize(CHUNK).window(2).run();

    assertThat(sink.bytes()).isEqualTo(content);
    sink.assertCommittedOnce();
    assertThat(report.bytesIn()).isEqualTo(content.length);
    assertThat(report.bytesOut()).isEqualTo(content.length);
  }

  @Test
  public void readsIntoDirectBuffersOfOddSizes() throws IOException {
    byte[] content = content(5 * CHUNK + 3);
    try (Source source = newSource(content)) {
      assertThat(readAll(source, ByteBuffer.allocateDirect(CHUNK - 7))).isEqualTo(content);
    }
  }

  @Test
  public void readsOnlyBetweenTheBuffersPositionAndLimit() throws IOException {
    byte[] content = content(3 * CHUNK);
    byte[] backing = new byte[CHUNK + 20];
    ByteBuffer window = ByteBuffer.wrap(backing, 10, CHUNK).slice(); // array offset 10
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Source source = newSource(content)) {
      while (true) {
        window.clear().position(5).limit(CHUNK - 5);
        int n = source.read(window);
        assertThat(window.position()).as("position after read").isEqualTo(5 + Math.max(n, 0));
        assertThat(window.limit()).as("limit after read").isEqualTo(CHUNK - 5);
        if (n < 0) {
          break;
        }
        assertThat(n).as("bytes read into a buffer with room").isPositive();
        out.write(backing, 10 + 5, n);
      }
    }
    assertThat(out.toByteArray()).isEqualTo(content);
    assertThat(backing).startsWith(new byte[15]).endsWith(new byte[15]);
  }

  @Test
  public void emptyInputEndsAtTheFirstReadAndStaysEnded() throws IOException {
    try (Source source = newSource(new byte[0])) {
      ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
      assertThat(source.read(buffer)).isEqualTo(-1);
      assertThat(source.read(buffer)).isEqualTo(-1);
      assertThat(buffer.position()).isZero();
    }
  }

  @Test
  public void readsMinusOneAgainAfterTheEnd() throws IOException {
    byte[] content = content(CHUNK + 1);
    try (Source source = newSource(content)) {
      assertThat(readAll(source, ByteBuffer.allocate(CHUNK))).isEqualTo(content);
      assertThat(source.read(ByteBuffer.allocate(CHUNK))).isEqualTo(-1);
    }
  }

  @Test
  public void lengthIsUnknownOrExact() throws IOException {
    byte[] content = content(2 * CHUNK + 5);
    try (Source source = newSource(content)) {
      assertThat(source.length()).isIn(-1L, (long) content.length);
    }
  }

  @Test
  public void closeIsIdempotentAndReleasesTheResource() throws IOException {
    Source source = newSource(content(CHUNK));
    source.read(ByteBuffer.allocate(CHUNK / 2));
    source.close();
    assertThatCode(source::close).doesNotThrowAnyException();
    assertReleased(source);
  }

  @Test
  public void theEngineClosesTheSourceExactlyOnceWhenCommitting() throws IOException {
    Source inner = newSource(content(2 * CHUNK));
    CountingSource source = CountingSource.around(inner);
    RecordingSink sink = new RecordingSink();

    ingestion(source).to(sink).chunkSize(CHUNK).run();

    source.assertClosedOnce();
    sink.assertCommittedOnce();
    assertReleased(inner);
  }

  @Test
  public void theEngineClosesTheSourceExactlyOnceWhenTheSinkFails() throws IOException {
    Source inner = newSource(content(4 * CHUNK));
    CountingSource source = CountingSource.around(inner);
    FailingSink sink = FailingSink.atWrite(2);

    var run = ingestion(source).to(sink).chunkSize(CHUNK).window(2);

    assertAbortedBy(run, sink.failure(), AbortReason.SINK_FAILED);
    source.assertClosedOnce();
    sink.recorded().assertAbortedOnce();
    assertReleased(inner);
  }

  /** Reads {@code source} to its end through {@code buffer}. */
  protected static byte[] readAll(Source source, ByteBuffer buffer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] copy = new byte[buffer.capacity()];
    while (true) {
      buffer.clear();
      int n = source.read(buffer);
      if (n < 0) {
        return out.toByteArray();
      }
      assertThat(n).as("bytes read into a buffer with room").isPositive();
      assertThat(buffer.position()).as("position after reading %s bytes", n).isEqualTo(n);
      buffer.flip().get(copy, 0, n);
      out.write(copy, 0, n);
    }
  }

  /**
   * Starts describing an ingestion of {@code source} as this suite runs it. Override to run the
   * whole suite with an engine option on, e.g. {@code super.ingestion(source).offload(workers)}.
   */
  protected Ingestion ingestion(Source source) {
    return Ingestion.from(source);
  }
}
