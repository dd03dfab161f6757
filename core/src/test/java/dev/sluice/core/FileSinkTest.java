package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.SinkContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
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
