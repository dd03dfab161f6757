package dev.sluice.core.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Writes a buffer into a file at the channel's position in calls of at most {@link #SLICE} bytes,
 * as a plain copy loop would. The page cache backs each write with folios of about its size, and on
 * the virtual machines measured (docs/benchmarks.md, "File writes in slices") the large folios of a
 * 1 MiB write cost several times the system time of sixteen 64 KiB writes, whose pages are reused
 * warm. Stateless; the caller owns the channel and the buffer.
 */
public final class FileWrites {

  /** The most one write call takes: 64 KiB. */
  public static final int SLICE = 64 * 1024;

  private FileWrites() {}

  /**
   * Writes all of {@code bytes}' remaining bytes to {@code channel}, leaving the buffer's position
   * at its limit and its limit as it was (also when a write fails).
   *
   * @return the bytes written
   */
  public static int writeAll(FileChannel channel, ByteBuffer bytes) throws IOException {
    return writeAll(channel, bytes, SLICE);
  }

  /**
   * Writes all of {@code bytes}' remaining bytes to {@code channel} in calls of at most {@code
   * slice} bytes, as {@link #writeAll(FileChannel, ByteBuffer)}: a device or a pipe, which no page
   * cache backs, takes a whole chunk per call ({@code Integer.MAX_VALUE}).
   */
  public static int writeAll(FileChannel channel, ByteBuffer bytes, int slice) throws IOException {
    int limit = bytes.limit();
    int start = bytes.position();
    try {
      while (bytes.position() < limit) { // a short write is sliced again from where it stopped
        bytes.limit(bytes.position() + Math.min(limit - bytes.position(), slice));
        channel.write(bytes);
      }
    } finally {
      bytes.limit(limit);
    }
    return bytes.position() - start;
  }
}
