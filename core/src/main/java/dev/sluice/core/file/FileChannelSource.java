package dev.sluice.core.file;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A {@link dev.sluice.core.Source} backed by a region of a file, which the engine may hand to a
 * {@link TransferTarget} without copying. {@link dev.sluice.core.Sources#file} implements it; the
 * engine moves {@link #position()} with {@link #advance} as it transfers, and still closes the
 * source once.
 */
public interface FileChannelSource {

  /** The open channel to read from; owned by the source. */
  FileChannel channel();

  /** The position of the first byte not yet read. */
  long position();

  /** Marks {@code bytes} more as read. */
  void advance(long bytes);

  /** The position one past the last byte of the region. */
  long end();

  /**
   * The failure to report when the file has no byte at {@code position}, before {@link #end()}: it
   * shrank while being read, and a copy of it would be silently short.
   */
  default IOException shrank(long position) {
    return new IOException(
        this + " shrank while reading: no bytes at position " + position + " of " + end());
  }
}
