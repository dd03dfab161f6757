package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.AbortReason;
import dev.sluice.core.LimitExceededException;
import dev.sluice.core.ObservingSink;
import dev.sluice.core.Sink;
import dev.sluice.core.Transform;
import dev.sluice.core.Transforms;
import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which stages the reader may observe with, and what observing them apart from the writes leaves in
 * each stage: bytes, the failure's origin and reason.
 */
class StageChainTest {

  private final StageChain stages = new StageChain();
  private final RecordingSink sink = new RecordingSink();

  @Test
  void theLeadingDigestsAndLimitsAreObserversUpToTheFirstTransformThatChangesTheBytes() {
    stages.build(
        List.of(Transforms.limit(1000), Transforms.sha256(), Transforms.gzip(1), Transforms.sha1()),
        sink);

    assertThat(stages.leadingObservers())
        .extracting(Stage::name)
        .containsExactly("limit", "sha256");
  }

  @Test
  void aDigestAfterAGunzipIsNoLeadingObserver() {
    stages.build(List.of(Transforms.gunzip(1000), Transforms.sha256()), sink);

    assertThat(stages.leadingObservers()).isEmpty();
  }

  @Test
  void anObservingSinkThatDoesNotWriteToTheNextStageIsNoObserver() {
    Transform wrapping =
        Transforms.named("wrapping", downstream -> new Counting(RecordingSink.around(downstream)));

    stages.build(List.of(wrapping, Transforms.sha256()), sink);

    assertThat(stages.leadingObservers()).isEmpty();
  }

  @Test
  void observingThenWritingTheNextStageCountsEachStageAsAWriteThroughWould() throws IOException {
    Stage head = stages.build(List.of(Transforms.sha256(), Transforms.gzip(1)), sink);
    Stage observer = stages.leadingObservers().getFirst();
    byte[] content = TestData.random(1000);

    ByteBuffer chunk = ByteBuffer.wrap(content);
    observer.observe(chunk);
    assertThat(chunk.remaining()).as("observe leaves the chunk as it was").isEqualTo(1000);
    observer.next().write(chunk);
    head.commit();

    assertThat(observer.bytes()).isEqualTo(1000);
    assertThat(observer.next().bytes()).isEqualTo(1000);
    assertThat(stages.bytesOut()).isEqualTo(sink.bytes().length);
    assertThat(stages.digests()).containsEntry("sha256", TestData.sha256Hex(content));
    sink.assertCommittedOnce();
  }

  @Test
  void aFailureOfAnObservedStageIsClassifiedByItsStageWhateverTheDefault() {
    stages.build(List.of(Transforms.named("count", Counting::new)), sink);
    Stage observer = stages.leadingObservers().getFirst();
    ByteBuffer chunk = ByteBuffer.allocate(Counting.REFUSED);

    assertThatThrownBy(() -> observer.observe(chunk))
        .isInstanceOfSatisfying(
            IOException.class,
            e ->
                assertThat(stages.classify(e, AbortReason.SOURCE_FAILED))
                    .isEqualTo(AbortReason.TRANSFORM_FAILED));
    assertThat(observer.bytes()).isZero();
  }

  @Test
  void aFailureFromNoStageIsTheDefaultAndAnAbortCauseKeepsItsReason() {
    stages.build(List.of(), sink);

    assertThat(stages.classify(new IOException("read failed"), AbortReason.SOURCE_FAILED))
        .isEqualTo(AbortReason.SOURCE_FAILED);
    assertThat(
            stages.classify(
                new LimitExceededException("input size", 10), AbortReason.SOURCE_FAILED))
        .isEqualTo(AbortReason.LIMIT_EXCEEDED);
  }

  /** Counts what it sees; refuses a chunk of {@link #REFUSED} bytes. */
  private static final class Counting extends ObservingSink {
    static final int REFUSED = 13;
    private long seen;

    Counting(Sink downstream) {
      super(downstream);
    }

    @Override
    public void observe(ByteBuffer bytes) throws IOException {
      if (bytes.remaining() == REFUSED) {
        throw new IOException("refused " + REFUSED + " bytes");
      }
      seen += bytes.remaining();
    }

    @Override
    protected String name() {
      return "count(" + seen + ")";
    }
  }
}
