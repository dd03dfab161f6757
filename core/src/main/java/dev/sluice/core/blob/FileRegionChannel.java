package dev.sluice.core.blob;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads {@code length} bytes of a file from {@code offset} with positional reads; never moves the
 * file channel's own position. Closing it closes the file channel.
 */
final class FileRegionChannel implements ReadableByteChannel {

  private final FileChannel file;
  private long position;
  private long remaining;

  public FileRegionChannel(FileChannel file, long offset, long length) {
    this.file = file;
    this.position = offset;
    this.remaining = length;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (remaining == 0) {
      return -1;
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    int limit = dst.limit();
    if (dst.remaining() > remaining) {
      dst.limit(dst.position() + (int) remaining);
    }
    try {
      int read = file.read(dst, position);
      if (read > 0) {
        position += read;
        remaining -= read;
      }
      return read;
    } finally {
      dst.limit(limit);
    }
  }

  @Override
  public boolean isOpen() {
    return file.isOpen();
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
