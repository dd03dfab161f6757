package dev.sluice.core.file;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A {@link dev.sluice.core.Sink} that can also take bytes straight from a file channel, without
 * copying them through Java: when an ingestion's source is a {@link FileChannelSource} and nothing
 * transforms the bytes, the engine calls {@link #transferFrom} instead of {@code write} ({@link
 * java.nio.channels.FileChannel#transferTo} underneath). {@link dev.sluice.core.Sinks#file}
 * implements it; a sink that cannot do better than {@code write} leaves it out.
 */
public interface TransferTarget {

  /**
   * Transfers up to {@code count} bytes of {@code source} starting at {@code position}.
   *
   * @return the number of bytes transferred, possibly fewer than {@code count}
   */
  long transferFrom(FileChannel source, long position, long count) throws IOException;
}
