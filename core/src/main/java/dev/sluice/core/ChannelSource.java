package dev.sluice.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/** Adapts a blocking {@link ReadableByteChannel}. */
final class ChannelSource implements Source {

  private final ReadableByteChannel channel;
  private final String name;
  private final long length;

  public ChannelSource(ReadableByteChannel channel, String name, long length) {
    this.channel = channel;
    this.name = name;
    this.length = length;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    int n;
    do {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted while reading " + name);
      }
      n = channel.read(into);
    } while (n == 0 && into.hasRemaining());
    return n;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return name;
  }
}
