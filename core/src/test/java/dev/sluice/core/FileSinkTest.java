package dev.sluice.core;

import static dev.sluice.core.testing.IngestionAssertions.assertAborted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.file.TemporaryFile;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.testing.SinkContract;
import dev.sluice.core.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest extends SinkContract {

  @TempDir Path dir;

  Path target() {
    return dir.resolve("out.bin");
  }

  @Override
  protected Sink newSink() throws IOException {
    return Sinks.file(target());
  }

  @Override
  protected void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
    assertThat(Files.readAllBytes(target())).isEqualTo(expected);
    assertThat(entries()).as("files in the target's folder").containsExactly(target());
    assertThat(receipt.location()).isEqualTo(target().toString());
    assertThat(receipt.details()).containsEntry("bytes", String.valueOf(expected.length));
  }

  @Override
  protected void assertNothingVisible() throws IOException {
    assertThat(entries()).as("files in the target's folder").isEmpty();
  }

  List<Path> entries() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }

  @Test
  void aChunkLargerThanOneWriteSliceIsWrittenWholeAndLeftConsumedWithItsLimit() throws IOException {
    byte[] data = TestData.random(3 * dev.sluice.core.file.FileWrites.SLICE + 123, 5);
    ByteBuffer chunk = ByteBuffer.allocateDirect(data.length + 100);
    chunk.put(data).flip();
    int limit = chunk.limit();

    Sink sink = newSink();
    sink.write(chunk);
    sink.commit();

    assertThat(chunk.position()).isEqualTo(limit);
    assertThat(chunk.limit()).isEqualTo(limit);
    assertThat(Files.readAllBytes(target())).isEqualTo(data);
  }

  @Test
  void refusesAnExistingTargetWithoutReplaceExistingAndLeavesItIntact() throws IOException {
    byte[] previous = TestData.random(10);
    Files.write(target(), previous);

    assertThatThrownBy(() -> Sinks.file(target()))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessage(
            target() + ": refusing to overwrite an existing file (allow replacing to do so)");
    assertThat(Files.readAllBytes(target())).isEqualTo(previous);
    assertThat(entries()).containsExactly(target());
  }

  @Test
  void theTargetKeepsItsOldContentUntilTheCommitReplacesItAtOnce() throws IOException {
    byte[] previous = TestData.random(10, 1);
    byte[] next = TestData.random(3 * CHUNK, 2);
    Files.write(target(), previous);
    Sink sink = Sinks.file(target(), WriteOption.REPLACE_EXISTING);

    sink.write(ByteBuffer.wrap(next));

    assertThat(Files.readAllBytes(target())).as("before commit").isEqualTo(previous);
    assertThat(entries()).as("the target and one temporary file beside it").hasSize(2);
    Path temporary = entries().stream().filter(p -> !p.equals(target())).findFirst().orElseThrow();
    assertThat(TemporaryFile.isTemporary(temporary.getFileName().toString())).isTrue();

    sink.commit();

    assertThat(Files.readAllBytes(target())).isEqualTo(next);
    assertThat(entries()).containsExactly(target());
  }

  @Test
  void aTargetCreatedWhileWritingIsNotOverwritten() throws IOException {
    byte[] theirs = TestData.random(10, 1);
    Sink sink = Sinks.file(target());
    sink.write(ByteBuffer.wrap(TestData.random(CHUNK)));
    Files.write(target(), theirs);

    assertThatThrownBy(sink::commit)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessage(target() + ": refusing to overwrite a file created while writing");
    assertThat(Files.readAllBytes(target())).isEqualTo(theirs);
    assertThat(entries()).containsExactly(target());
  }

  @Test
  void aMissingFolderIsRefusedWhenTheSinkIsMade() {
    Path missing = dir.resolve("no-such-folder").resolve("out.bin");

    assertThatThrownBy(() -> Sinks.file(missing))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage(missing.getParent() + ": no such directory");
  }

  @Test
  void aWrongDigestThroughTheEngineLeavesNoTargetAndNoTemporaryFile() throws IOException {
    var run =
        Ingestion.from(Sources.generated(5 * CHUNK, 1))
            .through(Transforms.sha256("ab".repeat(32)))
            .to(Sinks.file(target()))
            .chunkSize(CHUNK);

    assertAborted(run, AbortReason.DIGEST_MISMATCH);
    assertNothingVisible();
  }

  @Test
  void anExceededLimitThroughTheEngineLeavesNoTargetAndNoTemporaryFile() throws IOException {
    var run =
        Ingestion.from(Sources.generated(5 * CHUNK, 1))
            .through(Transforms.limit(2 * CHUNK))
            .to(Sinks.file(target()))
            .chunkSize(CHUNK);

    assertAborted(run, AbortReason.LIMIT_EXCEEDED);
    assertNothingVisible();
  }

  @Test
  void writingAfterTheEndIsRefusedNamingTheTarget() throws IOException {
    Sink sink = Sinks.file(target());
    sink.abort(new IOException("test abort"));

    assertThatThrownBy(() -> sink.write(ByteBuffer.wrap(new byte[1])))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("file sink already ended: " + target());
    assertNothingVisible();
  }

  /** With fsync the same contract holds. */
  @Nested
  class Fsync extends SinkContract {

    @Override
    protected Sink newSink() throws IOException {
      return Sinks.file(target(), WriteOption.FSYNC);
    }

    @Override
    protected void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
      FileSinkTest.this.assertCommitted(expected, receipt);
    }

    @Override
    protected void assertNothingVisible() throws IOException {
      FileSinkTest.this.assertNothingVisible();
    }
  }

  /** Replacing an existing file: a commit replaces it, an abort leaves the old one intact. */
  @Nested
  class ReplacingAnExistingFile extends SinkContract {

    private final byte[] previous =
        "previous content".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    @Override
    protected Sink newSink() throws IOException {
      Files.write(target(), previous);
      return Sinks.file(target(), WriteOption.REPLACE_EXISTING);
    }

    @Override
    protected void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
      FileSinkTest.this.assertCommitted(expected, receipt);
    }

    @Override
    protected void assertNothingVisible() throws IOException {
      assertThat(entries()).as("files in the target's folder").containsExactly(target());
      assertThat(Files.readAllBytes(target())).isEqualTo(previous);
    }
  }

  /** A named pipe (like /dev/null, a special file) is written in place, never renamed over. */
  @org.junit.jupiter.api.Test
  void specialFileIsWrittenInPlaceAndStaysSpecial() throws Exception {
    Path fifo = dir.resolve("pipe");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    var received = new java.util.concurrent.CompletableFuture<byte[]>();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (var in = Files.newInputStream(fifo)) {
                    received.complete(in.readAllBytes());
                  } catch (IOException e) {
                    received.completeExceptionally(e);
                  }
                });

    Sink sink = Sinks.file(fifo, WriteOption.REPLACE_EXISTING, WriteOption.FSYNC);
    sink.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}));
    Receipt receipt = sink.commit();
    reader.join();

    assertThat(received.get()).containsExactly(1, 2, 3);
    assertThat(receipt.location()).isEqualTo(fifo.toString());
    assertThat(Files.isRegularFile(fifo)).as("still a pipe, not a file renamed over it").isFalse();
    assertThat(Files.exists(fifo)).isTrue();
    assertThat(entries()).containsExactly(fifo);
  }
}
