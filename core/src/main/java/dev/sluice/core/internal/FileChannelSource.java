package dev.sluice.core.internal;

import java.nio.channels.FileChannel;

/** A source backed by a region of a file, which the engine may transfer without copying. */
public interface FileChannelSource {

  /** The open channel to read from; owned by the source. */
  FileChannel channel();

  /** The position of the first byte not yet read. */
  long position();

  /** Marks {@code bytes} more as read. */
  void advance(long bytes);

  /** The position one past the last byte of the region. */
  long end();
}
