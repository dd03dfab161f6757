package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.SourceContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;

class ChannelSourceTest extends SourceContract {

  private final Map<Source, ReadableByteChannel> channels = new IdentityHashMap<>();

  @Override
  protected Source newSource(byte[] content) {
    return track(Channels.newChannel(new ByteArrayInputStream(content)));
  }

  private Source track(ReadableByteChannel channel) {
    Source source = Sources.from(channel);
    channels.put(source, channel);
    return source;
  }

  @Override
  protected void assertReleased(Source source) {
    assertThat(channels.get(source).isOpen()).as("channel open").isFalse();
  }

  /** A channel that returns 0 bytes on every other read, as a non-blocking channel may. */
  @Nested
  class Stuttering extends SourceContract {

    @Override
    protected Source newSource(byte[] content) {
      return track(new StutteringChannel(Channels.newChannel(new ByteArrayInputStream(content))));
    }

    @Override
    protected void assertReleased(Source source) {
      ChannelSourceTest.this.assertReleased(source);
    }
  }

  private static final class StutteringChannel implements ReadableByteChannel {
    private final ReadableByteChannel inner;
    private boolean stutter;

    StutteringChannel(ReadableByteChannel inner) {
      this.inner = inner;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      stutter = !stutter;
      return stutter ? 0 : inner.read(dst);
    }

    @Override
    public boolean isOpen() {
      return inner.isOpen();
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }
  }
}
