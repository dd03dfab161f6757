package dev.sluice.core;

import static dev.sluice.core.testing.IngestionAssertions.assertAborted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.file.FileChannelSource;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.job.IngestionListener;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.core.testing.CancellingListener;
import dev.sluice.core.testing.CountingSource;
import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.TestData;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File → file with no transform moves bytes with {@code FileChannel.transferTo} in slices of 8 MiB
 * (one "chunk" each in the report, whatever the chunk size), and still holds every guarantee.
 */
class ZeroCopyTest {

  private static final int CHUNK = 4096;
  private static final int SLICE = 8 << 20;

  @TempDir Path dir;

  @Test
  void fileToFileWithoutTransformsMovesTheFileInOneSliceInsteadOfChunks() throws IOException {
    byte[] content = TestData.random((1 << 20) + 3);
    Path in = Files.write(dir.resolve("in.bin"), content);
    Path out = dir.resolve("out.bin");

    IngestionReport report =
        Ingestion.from(Sources.file(in)).to(Sinks.file(out)).chunkSize(CHUNK).run();

    assertThat(report.chunks()).as("transfer slices").isEqualTo(1);
    assertThat(report.maxInFlight()).as("no chunk was read into memory").isZero();
    assertThat(report.bytesIn()).isEqualTo(content.length);
    assertThat(report.bytesOut()).isEqualTo(content.length);
    assertThat(Files.readAllBytes(out)).isEqualTo(content);
    assertThat(files()).containsExactlyInAnyOrder(in, out);
  }

  @Test
  void aTransformTakesTheChunkPathInstead() throws IOException {
    byte[] content = TestData.random((1 << 20) + 3);
    Path in = Files.write(dir.resolve("in.bin"), content);
    Path out = dir.resolve("out.bin");

    IngestionReport report =
        Ingestion.from(Sources.file(in))
            .through(Transforms.sha256())
            .to(Sinks.file(out))
            .chunkSize(CHUNK)
            .run();

    assertThat(report.chunks()).isEqualTo(content.length / CHUNK + 1);
    assertThat(Files.readAllBytes(out)).isEqualTo(content);
  }

  @Test
  void zeroCopyClosesTheSourceOnceAndCopiesSeveralSlices() throws IOException {
    Path in = sparseFile(2 * SLICE + 5);
    Path out = dir.resolve("out.bin");
    CountingFileSource source = new CountingFileSource(in);

    IngestionReport report = Ingestion.from(source).to(Sinks.file(out)).run();

    assertThat(report.chunks()).isEqualTo(3);
    assertThat(Files.size(out)).isEqualTo(2L * SLICE + 5);
    assertThat(source.closes).isEqualTo(1);
  }

  @Test
  void aCancelDuringZeroCopyStopsAtTheNextSliceAndLeavesNoFile() throws IOException {
    Path in = sparseFile(3 * SLICE);
    Path out = dir.resolve("out.bin");
    CountingFileSource source = new CountingFileSource(in);
    IngestionException thrown =
        assertAborted(
            Ingestion.from(source).to(Sinks.file(out)).listener(CancellingListener.atChunk(1)),
            AbortReason.CANCELLED);

    assertThat(thrown.report().chunks()).as("slices copied after the cancel").isEqualTo(1);
    assertThat(thrown.report().bytesIn()).isEqualTo(SLICE);
    assertThat(thrown.report().bytesOut())
        .as("bytes the sink took before the abort")
        .isEqualTo(SLICE);
    assertThat(files()).containsExactly(in);
    assertThat(source.closes).isEqualTo(1);
  }

  @Test
  void aTargetCreatedDuringZeroCopyIsNotOverwrittenAndNoTemporaryFileStays() throws IOException {
    Path in = Files.write(dir.resolve("in.bin"), TestData.random(1000));
    Path out = dir.resolve("out.bin");
    byte[] theirs = TestData.random(10, 9);
    IngestionListener intruder =
        new IngestionListener() {
          @Override
          public void onChunk(int bytes, long writeNanos) {
            try {
              Files.write(out, theirs);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        };

    IngestionException thrown =
        assertAborted(
            Ingestion.from(Sources.file(in)).to(Sinks.file(out)).listener(intruder),
            AbortReason.SINK_FAILED);

    assertThat(thrown.getCause())
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessage(out + ": refusing to overwrite a file created while writing");
    assertThat(Files.readAllBytes(out)).isEqualTo(theirs);
    assertThat(files()).containsExactlyInAnyOrder(in, out);
  }

  @Test
  void aFileThatShrinksBeforeZeroCopyIsASourceFailureAndLeavesNoFile() throws IOException {
    Path in = Files.write(dir.resolve("in.bin"), TestData.random(1000));
    Path out = dir.resolve("out.bin");
    Source source = Sources.file(in);
    truncate(in, 600);

    IngestionException thrown =
        assertAborted(Ingestion.from(source).to(Sinks.file(out)), AbortReason.SOURCE_FAILED);

    assertThat(thrown.getCause())
        .hasMessage("file(" + in + ") shrank while reading: no bytes at position 600 of 1000");
    assertThat(files()).containsExactly(in);
  }

  @Test
  void aFileThatShrinksBeforeAChunkedReadIsASourceFailureNotAShortCopy() throws IOException {
    Path in = Files.write(dir.resolve("in.bin"), TestData.random(1000));
    Source source = Sources.file(in);
    truncate(in, 600);
    RecordingSink sink = new RecordingSink();

    IngestionException thrown =
        assertAborted(
            Ingestion.from(CountingSource.around(source)).to(sink).chunkSize(256),
            AbortReason.SOURCE_FAILED);

    assertThat(thrown.getCause())
        .hasMessage("file(" + in + ") shrank while reading: no bytes at position 600 of 1000");
    sink.assertAbortedOnce();
  }

  private Path sparseFile(long size) throws IOException {
    Path file = dir.resolve("in.bin");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(size);
    }
    return file;
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }

  /** A file source that counts its closes and is still eligible for zero-copy. */
  private static final class CountingFileSource implements Source, FileChannelSource {
    private final Source file;
    private final FileChannelSource region;
    int closes;

    CountingFileSource(Path path) throws IOException {
      this.file = Sources.file(path);
      this.region = (FileChannelSource) file;
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
      return file.read(into);
    }

    @Override
    public void close() throws IOException {
      closes++;
      file.close();
    }

    @Override
    public FileChannel channel() {
      return region.channel();
    }

    @Override
    public long position() {
      return region.position();
    }

    @Override
    public void advance(long bytes) {
      region.advance(bytes);
    }

    @Override
    public long end() {
      return region.end();
    }
  }
}
