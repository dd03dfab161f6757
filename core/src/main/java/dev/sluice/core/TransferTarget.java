package dev.sluice.core;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** A sink that can take bytes straight from a file channel, without copying them through Java. */
public interface TransferTarget {

  /**
   * Transfers up to {@code count} bytes of {@code source} starting at {@code position}.
   *
   * @return the number of bytes transferred, possibly fewer than {@code count}
   */
  long transferFrom(FileChannel source, long position, long count) throws IOException;
}
