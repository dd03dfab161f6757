package dev.sluice.core;

import dev.sluice.core.file.FileChannelSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads a file (or a region of it) with positional reads; eligible for zero-copy transfer. */
final class FileSource implements Source, FileChannelSource {

  private final Path path;
  private final FileChannel channel;
  private final long end;
  private long position;

  public FileSource(Path path, long offset, long length) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      long size = channel.size();
      if (offset < 0 || offset > size) {
        throw new IllegalArgumentException("offset must be within 0.." + size + ": " + offset);
      }
      this.position = offset;
      this.end = length < 0 ? size : Math.min(size, offset + length);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    if (position >= end) {
      return -1;
    }
    int limit = into.limit();
    if (end - position < into.remaining()) {
      into.limit(into.position() + (int) (end - position));
    }
    try {
      int n = channel.read(into, position);
      if (n < 0) {
        throw shrank(position);
      }
      position += n;
      return n;
    } finally {
      into.limit(limit);
    }
  }

  @Override
  public long length() {
    return end - position;
  }

  /** A regular file's reads come from the page cache or the disk, never from a peer. */
  @Override
  public boolean readsPromptly() {
    return true;
  }

  @Override
  public FileChannel channel() {
    return channel;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void advance(long bytes) {
    position += bytes;
  }

  @Override
  public long end() {
    return end;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "file(" + path + ")";
  }
}
