package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.TransformContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Nested;

/** Gzip output is checked by decompressing it with the JDK's {@link GZIPInputStream}. */
class GzipTransformTest extends TransformContract {

  @Override
  protected Transform transform() {
    return Transforms.gzip(6);
  }

  @Override
  protected void assertTransformed(byte[] input, byte[] output) throws IOException {
    assertThat(gunzip(output)).isEqualTo(input);
  }

  static byte[] gunzip(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }

  @Nested
  class Stored extends TransformContract {
    @Override
    protected Transform transform() {
      return Transforms.gzip(0);
    }

    @Override
    protected void assertTransformed(byte[] input, byte[] output) throws IOException {
      assertThat(gunzip(output)).isEqualTo(input);
    }
  }

  @Nested
  class Best extends TransformContract {
    @Override
    protected Transform transform() {
      return Transforms.gzip(9);
    }

    @Override
    protected void assertTransformed(byte[] input, byte[] output) throws IOException {
      assertThat(gunzip(output)).isEqualTo(input);
    }
  }
}
