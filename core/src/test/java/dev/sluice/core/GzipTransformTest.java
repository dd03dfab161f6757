package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.job.Ingestion;
import dev.sluice.core.testing.CountingSource;
import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.TransformContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Gzip output is checked by decompressing it with the JDK's {@link GZIPInputStream}. */
class GzipTransformTest {

  /** The contract at one compression level. */
  abstract static class AtLevel extends TransformContract {
    private final int level;

    AtLevel(int level) {
      this.level = level;
    }

    @Override
    protected Transform transform() {
      return Transforms.gzip(level);
    }

    @Override
    protected void assertTransformed(byte[] input, byte[] output) throws IOException {
      assertThat(gunzip(output)).isEqualTo(input);
    }
  }

  @Nested
  class DefaultLevel extends AtLevel {
    DefaultLevel() {
      super(6);
    }
  }

  @Nested
  class Stored extends AtLevel {
    Stored() {
      super(0);
    }
  }

  @Nested
  class Best extends AtLevel {
    Best() {
      super(9);
    }
  }

  @Test
  void compressibleInputShrinksAndRoundTripsThroughGunzip() throws IOException {
    byte[] content = new byte[1 << 20];
    RecordingSink compressed = new RecordingSink();
    Ingestion.from(CountingSource.of(content)).through(Transforms.gzip(6)).to(compressed).run();

    assertThat(compressed.bytes().length).isLessThan(content.length / 100);
    RecordingSink restored = new RecordingSink();
    Ingestion.from(CountingSource.of(compressed.bytes()))
        .through(Transforms.gunzip(content.length))
        .to(restored)
        .run();
    assertThat(restored.bytes()).isEqualTo(content);
  }

  @Test
  void aLevelOutsideZeroToNineIsRefusedWithTheRule() {
    assertThatThrownBy(() -> Transforms.gzip(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gzip level must be 0..9: 10");
  }

  static byte[] gunzip(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }
}
