package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ForwardingSink;
import dev.sluice.core.Sinks;
import dev.sluice.core.Source;
import dev.sluice.core.Sources;
import dev.sluice.core.Transforms;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the reader hands its chunks to the writer: at once, or a few at a time. */
class HandOffTest {

  @Test
  void aSourceThatWaitsForItsPeerHasEachChunkWrittenBeforeItsNextReadReturns() throws IOException {
    CountDownLatch firstWritten = new CountDownLatch(1);
    Source answersOnlyOnceHeard =
        new Source() {
          private int reads;

          @Override
          public int read(ByteBuffer into) throws IOException {
            if (reads++ == 0) {
              int n = into.remaining();
              into.position(into.limit());
              return n;
            }
            try {
              if (!firstWritten.await(10, TimeUnit.SECONDS)) {
                throw new IOException("the first chunk never reached the sink");
              }
            } catch (InterruptedException e) {
              throw new InterruptedIOException("interrupted");
            }
            return -1;
          }

          @Override
          public void close() {}
        };

    IngestionReport report =
        Ingestion.from(answersOnlyOnceHeard)
            .through(
                Transforms.named(
                    "heard",
                    downstream ->
                        new ForwardingSink(downstream) {
                          @Override
                          public void write(ByteBuffer chunk) throws IOException {
                            super.write(chunk);
                            firstWritten.countDown();
                          }

                          @Override
                          protected String name() {
                            return "heard";
                          }
                        }))
            .to(Sinks.discard())
            .chunkSize(1024)
            .window(4)
            .run();

    assertThat(report.bytesOut()).isEqualTo(1024);
  }

  @Test
  void filesAndGeneratedBytesReadPromptlyStreamsAndChannelsDoNot(@TempDir Path dir)
      throws IOException {
    Path file = Files.write(dir.resolve("a.bin"), new byte[] {1, 2, 3});
    try (Source fromFile = Sources.file(file);
        Source generated = Sources.generated(10, 1);
        Source stream = Sources.from(new ByteArrayInputStream(new byte[3]));
        Source channel = Sources.from(Channels.newChannel(new ByteArrayInputStream(new byte[3])))) {
      assertThat(fromFile.readsPromptly()).isTrue();
      assertThat(generated.readsPromptly()).isTrue();
      assertThat(stream.readsPromptly()).isFalse();
      assertThat(channel.readsPromptly()).isFalse();
    }
  }
}
