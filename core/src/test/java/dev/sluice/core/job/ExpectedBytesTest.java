package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Sources;
import dev.sluice.core.Transforms;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the engine tells the sink of the bytes to come, before the first write. */
class ExpectedBytesTest {

  /** Records the hints and when they came. */
  private static final class HintedSink implements Sink {
    final List<String> events = new ArrayList<>();

    @Override
    public void expectBytes(long bytes) {
      events.add("expect " + bytes);
    }

    @Override
    public void write(ByteBuffer chunk) {
      if (events.isEmpty() || !events.getLast().equals("write")) {
        events.add("write");
      }
      chunk.position(chunk.limit());
    }

    @Override
    public Receipt commit() {
      events.add("commit");
      return Receipt.of("hinted");
    }

    @Override
    public void abort(Throwable cause) {
      events.add("abort");
    }
  }

  private final HintedSink sink = new HintedSink();

  @Test
  void aSourceOfKnownLengthThroughObserversOnlyIsAnnouncedBeforeTheFirstWrite() throws IOException {
    Ingestion.from(Sources.generated(100_000, 1))
        .through(Transforms.limit(1_000_000))
        .through(Transforms.sha256())
        .to(sink)
        .chunkSize(4096)
        .run();

    assertThat(sink.events).containsExactly("expect 100000", "write", "commit");
  }

  @Test
  void aTransformThatChangesTheBytesLeavesTheSinkWithoutAHint() throws IOException {
    Ingestion.from(Sources.generated(100_000, 1)).through(Transforms.gzip(1)).to(sink).run();

    assertThat(sink.events).containsExactly("write", "commit");
  }

  @Test
  void aSourceOfUnknownLengthLeavesTheSinkWithoutAHint() throws IOException {
    Ingestion.from(Sources.from(new ByteArrayInputStream(new byte[10_000]))).to(sink).run();

    assertThat(sink.events).containsExactly("write", "commit");
  }
}
