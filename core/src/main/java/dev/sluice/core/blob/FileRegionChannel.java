package dev.sluice.core.blob;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads {@code length} bytes of a file from {@code offset} with positional reads; never moves the
 * file channel's own position. Closing it closes the file channel, unless it was made with {@link
 * #shared}.
 */
final class FileRegionChannel implements ReadableByteChannel {

  private final FileChannel file;
  private final boolean ownsFile;
  private long position;
  private long remaining;
  private boolean open = true;

  public FileRegionChannel(FileChannel file, long offset, long length) {
    this(file, offset, length, true);
  }

  private FileRegionChannel(FileChannel file, long offset, long length, boolean ownsFile) {
    this.file = file;
    this.position = offset;
    this.remaining = length;
    this.ownsFile = ownsFile;
  }

  /** A region of a file someone else closes: closing the region leaves the file open. */
  public static FileRegionChannel shared(FileChannel file, long offset, long length) {
    return new FileRegionChannel(file, offset, length, false);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (!open) {
      throw new java.nio.channels.ClosedChannelException();
    }
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
    return open && file.isOpen();
  }

  @Override
  public void close() throws IOException {
    open = false;
    if (ownsFile) {
      file.close();
    }
  }
}
