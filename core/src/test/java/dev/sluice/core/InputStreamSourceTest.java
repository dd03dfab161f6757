package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.SourceContract;
import dev.sluice.core.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InputStreamSourceTest extends SourceContract {

  private final Map<Source, TrackedStream> streams = new IdentityHashMap<>();

  @Override
  protected Source newSource(byte[] content) {
    return track(new TrackedStream(content, Integer.MAX_VALUE));
  }

  private Source track(TrackedStream stream) {
    Source source = Sources.from(stream);
    streams.put(source, stream);
    return source;
  }

  @Override
  protected void assertReleased(Source source) {
    assertThat(streams.get(source).closed).as("stream closed").isTrue();
  }

  @Test
  void aSmallFirstDirectBufferDoesNotLimitLaterReads() throws IOException {
    Source source = Sources.from(new ByteArrayInputStream(TestData.random(10_000)));

    assertThat(source.read(ByteBuffer.allocateDirect(1))).isEqualTo(1);
    assertThat(source.read(ByteBuffer.allocateDirect(8192))).isEqualTo(8192);
  }

  /** A stream that returns at most 3 bytes per read, as a slow network stream does. */
  @Nested
  class Trickling extends SourceContract {

    @Override
    protected Source newSource(byte[] content) {
      return track(new TrackedStream(content, 3));
    }

    @Override
    protected void assertReleased(Source source) {
      InputStreamSourceTest.this.assertReleased(source);
    }
  }

  /** An in-memory stream that records its close and hands out at most {@code maxRead} bytes. */
  static final class TrackedStream extends InputStream {
    private final ByteArrayInputStream in;
    private final int maxRead;
    volatile boolean closed;

    TrackedStream(byte[] content, int maxRead) {
      this.in = new ByteArrayInputStream(content);
      this.maxRead = maxRead;
    }

    @Override
    public int read() {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return in.read(b, off, Math.min(len, maxRead));
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
