package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sinks;
import dev.sluice.core.Source;
import dev.sluice.core.Sources;
import dev.sluice.core.testing.PeekingTransform;
import dev.sluice.core.testing.WaitingSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the reader hands its chunks to the writer: at once, or a few at a time. */
class HandOffTest {

  @Test
  void aSourceThatWaitsForItsPeerHasEachChunkWrittenBeforeItsNextReadReturns() throws IOException {
    CountDownLatch firstWritten = new CountDownLatch(1);

    IngestionReport report =
        Ingestion.from(new WaitingSource(firstWritten, Duration.ofSeconds(10)))
            .through(PeekingTransform.of("heard", chunk -> firstWritten.countDown()))
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
