package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built-in transforms that only look at the bytes are {@link ObservingSink}s (so the engine may
 * observe with them on its reader thread); those that change them are not. A sink decorated by hand
 * observes, then forwards the same chunk, as before.
 */
class ObservingSinkTest {

  static Stream<Arguments> transforms() {
    return Stream.of(
        Arguments.of("sha256", (Supplier<Transform>) Transforms::sha256, true),
        Arguments.of("sha512", (Supplier<Transform>) Transforms::sha512, true),
        Arguments.of("sha1", (Supplier<Transform>) Transforms::sha1, true),
        Arguments.of("md5", (Supplier<Transform>) Transforms::md5, true),
        Arguments.of("crc32c", (Supplier<Transform>) Transforms::crc32c, true),
        Arguments.of("sha256(expected)", sha256Expecting(), true),
        Arguments.of("limit", (Supplier<Transform>) () -> Transforms.limit(10), true),
        Arguments.of("gzip", (Supplier<Transform>) () -> Transforms.gzip(1), false),
        Arguments.of("gunzip", (Supplier<Transform>) () -> Transforms.gunzip(10), false),
        Arguments.of("rate", (Supplier<Transform>) () -> Transforms.rate(10), false));
  }

  private static Supplier<Transform> sha256Expecting() {
    return () -> Transforms.sha256("00".repeat(32));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transforms")
  void aTransformObservesExactlyWhenItPassesTheBytesOnUnchanged(
      String name, Supplier<Transform> transform, boolean observes) {
    RecordingSink downstream = new RecordingSink();
    Sink sink = transform.get().apply(downstream);

    assertThat(sink instanceof ObservingSink).isEqualTo(observes);
    if (sink instanceof ObservingSink observing) {
      assertThat(observing.downstream()).isSameAs(downstream);
    }
    sink.abort(new IOException("done"));
  }

  @Test
  void aDigestDecoratedByHandHashesAndForwardsTheSameBytes() throws IOException {
    byte[] content = TestData.random(1000);
    RecordingSink downstream = new RecordingSink();
    Sink sha256 = Transforms.sha256(TestData.sha256Hex(content)).apply(downstream);

    ByteBuffer chunk = ByteBuffer.wrap(content);
    sha256.write(chunk);
    sha256.commit();

    assertThat(chunk.hasRemaining()).isFalse();
    assertThat(downstream.bytes()).isEqualTo(content);
    assertThat(((DigestReporter) sha256).hexDigest()).isEqualTo(TestData.sha256Hex(content));
    downstream.assertCommittedOnce();
  }

  @Test
  void observeSeesAViewAndTheChunkGoesDownstreamWhole() throws IOException {
    RecordingSink downstream = new RecordingSink();
    List<Integer> seen = new java.util.ArrayList<>();
    ObservingSink consuming =
        new ObservingSink(downstream) {
          @Override
          public void observe(ByteBuffer bytes) {
            seen.add(bytes.remaining());
            bytes.position(bytes.limit());
          }

          @Override
          protected String name() {
            return "consuming";
          }
        };

    consuming.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));

    assertThat(seen).containsExactly(3);
    assertThat(downstream.bytes()).containsExactly(1, 2, 3);
  }

  @Test
  void aChunkTheObserverRefusesGoesNoFurther() {
    RecordingSink downstream = new RecordingSink();
    Sink limit = Transforms.limit(2, "body size").apply(downstream);

    assertThatThrownBy(() -> limit.write(ByteBuffer.wrap(new byte[3])))
        .isInstanceOf(LimitExceededException.class);
    assertThat(downstream.writes()).isZero();
  }
}
