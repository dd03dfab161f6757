package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Source;
import dev.sluice.core.Transforms;
import dev.sluice.core.testing.CountingSource;
import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * With a leading observer (a digest) the reader fills each chunk in reads of at most 64 KiB, each
 * hashed as soon as it is read, and keeps filling while the source keeps up; a short read hands the
 * chunk over at once. Without an observer one read fills a chunk, as before.
 */
class ObservedSlicesTest {

  private static final int CHUNK = 256 * 1024;
  private static final int SLICE = 64 * 1024;

  private final byte[] content = TestData.random(4 * CHUNK + 1000);

  @Test
  void aDigestedSourceIsReadInSlicesIntoWholeChunks() throws Exception {
    Reads source = new Reads(CountingSource.of(content), Integer.MAX_VALUE);
    SizedSink sink = new SizedSink();

    IngestionReport report =
        Ingestion.from(source).through(Transforms.sha256()).to(sink).chunkSize(CHUNK).run();

    assertThat(source.asked).allMatch(asked -> asked <= SLICE);
    assertThat(sink.writes).containsExactly(CHUNK, CHUNK, CHUNK, CHUNK, 1000);
    assertThat(sink.recorded.bytes()).isEqualTo(content);
    assertThat(report.digests()).containsEntry("sha256", sha256(content));
  }

  @Test
  void withoutAnObserverOneReadFillsAChunk() throws Exception {
    Reads source = new Reads(CountingSource.of(content), Integer.MAX_VALUE);
    SizedSink sink = new SizedSink();

    Ingestion.from(source).to(sink).chunkSize(CHUNK).run();

    assertThat(source.asked.get(0)).isEqualTo(CHUNK);
    assertThat(sink.writes).containsExactly(CHUNK, CHUNK, CHUNK, CHUNK, 1000);
  }

  @Test
  void aShortReadHandsTheChunkOverAtOnce() throws Exception {
    Reads source = new Reads(CountingSource.of(content), 10_000); // a socket with what has come
    SizedSink sink = new SizedSink();

    IngestionReport report =
        Ingestion.from(source).through(Transforms.sha256()).to(sink).chunkSize(CHUNK).run();

    assertThat(sink.writes).allMatch(written -> written <= 10_000);
    assertThat(sink.recorded.bytes()).isEqualTo(content);
    assertThat(report.digests()).containsEntry("sha256", sha256(content));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** A source that records what each read asked for and returns at most {@code most} bytes. */
  private static final class Reads implements Source {
    private final Source source;
    private final int most;
    final List<Integer> asked = new CopyOnWriteArrayList<>();

    Reads(Source source, int most) {
      this.source = source;
      this.most = most;
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
      asked.add(into.remaining());
      if (into.remaining() <= most) {
        return source.read(into);
      }
      ByteBuffer part = into.slice(into.position(), most);
      int n = source.read(part);
      if (n > 0) {
        into.position(into.position() + n);
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      source.close();
    }
  }

  /** A sink that records the size of each write. */
  private static final class SizedSink extends dev.sluice.core.ForwardingSink {
    final RecordingSink recorded;
    final List<Integer> writes = new CopyOnWriteArrayList<>();

    SizedSink() {
      this(new RecordingSink());
    }

    private SizedSink(RecordingSink recorded) {
      super(recorded);
      this.recorded = recorded;
    }

    @Override
    public void write(ByteBuffer chunk) throws IOException {
      writes.add(chunk.remaining());
      super.write(chunk);
    }

    @Override
    protected String name() {
      return "sized";
    }
  }
}
