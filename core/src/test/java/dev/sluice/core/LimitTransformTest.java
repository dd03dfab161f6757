package dev.sluice.core;

import static dev.sluice.core.testing.IngestionAssertions.assertAborted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.testing.CountingSource;
import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.TestData;
import dev.sluice.core.testing.TransformContract;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Under its limit, a limit passes every byte on unchanged; past it, nothing more passes. */
class LimitTransformTest extends TransformContract {

  @Override
  protected Transform transform() {
    return Transforms.limit(10_000);
  }

  @Override
  protected void assertTransformed(byte[] input, byte[] output) {
    assertThat(output).isEqualTo(input);
  }

  @Test
  void exactlyTheLimitPasses() throws IOException {
    byte[] content = TestData.random(1000);
    RecordingSink sink = new RecordingSink();

    Ingestion.from(CountingSource.of(content))
        .through(Transforms.limit(1000))
        .to(sink)
        .chunkSize(CHUNK)
        .run();

    assertThat(sink.bytes()).isEqualTo(content);
    sink.assertCommittedOnce();
  }

  @Test
  void oneByteOverTheLimitAbortsNamingTheLimitAndPassesNoChunkPastIt() {
    byte[] content = TestData.random(1001);
    RecordingSink sink = new RecordingSink();

    IngestionException thrown =
        assertAborted(
            Ingestion.from(CountingSource.of(content))
                .through(Transforms.limit(1000))
                .to(sink)
                .chunkSize(100),
            AbortReason.LIMIT_EXCEEDED);

    assertThat(thrown.getCause())
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("stream size exceeds the limit of 1000 B (1000)");
    // the reader refuses the crossing chunk as it reads it: the chunks before it may or may not
    // have reached the sink by then (it is aborted either way), but nothing past the limit has
    assertThat(sink.bytes().length).isLessThanOrEqualTo(1000);
    assertThat(sink.bytes()).isEqualTo(Arrays.copyOf(content, sink.bytes().length));
    sink.assertAbortedOnce();
  }

  @Test
  void theChunkThatCrossesTheLimitIsRefusedWhole() throws IOException {
    RecordingSink downstream = new RecordingSink();
    Sink sink = Transforms.limit(10, "body size").apply(downstream);
    sink.write(ByteBuffer.wrap(new byte[6]));

    ByteBuffer crossing = ByteBuffer.wrap(new byte[6]);
    assertThatThrownBy(() -> sink.write(crossing))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("body size exceeds the limit of 10 B (10)");
    assertThat(downstream.bytes()).hasSize(6);
    assertThat(crossing.remaining()).isEqualTo(6);
  }

  @Test
  void aNegativeLimitIsRefusedWithTheRule() {
    assertThatThrownBy(() -> Transforms.limit(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBytes must be >= 0: -1");
  }
}
