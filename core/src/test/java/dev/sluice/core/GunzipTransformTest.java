package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.TestData;
import dev.sluice.core.testing.TransformContract;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/** Gunzip is fed what the JDK's {@link GZIPOutputStream} writes. */
class GunzipTransformTest extends TransformContract {

  static final long MAX_OUTPUT = 1 << 20;

  @Override
  protected Transform transform() {
    return Transforms.gunzip(MAX_OUTPUT);
  }

  @Override
  protected byte[] input(int size) {
    return gzip(TestData.random(size));
  }

  @Override
  protected void assertTransformed(byte[] input, byte[] output) throws IOException {
    assertThat(output).isEqualTo(GzipTransformTest.gunzip(input));
  }

  static byte[] gzip(byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
