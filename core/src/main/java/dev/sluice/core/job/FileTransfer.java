package dev.sluice.core.job;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Transform;
import dev.sluice.core.file.FileChannelSource;
import dev.sluice.core.file.TransferTarget;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The zero-copy path of a job with no transform from a file to a sink that can take a file channel:
 * the kernel moves the bytes ({@code FileChannel.transferTo} underneath), in slices of at least
 * {@link #SLICE} so a cancel is seen between two. Runs on the writer thread, with no reader.
 */
final class FileTransfer {

  private static final long SLICE = 8L << 20;

  private FileTransfer() {}

  /** True if a job from {@code source} through {@code transforms} to {@code sink} can use it. */
  static boolean possible(Source source, List<Transform> transforms, Sink sink) {
    return transforms.isEmpty()
        && source instanceof FileChannelSource
        && sink instanceof TransferTarget;
  }

  /**
   * Moves the rest of {@code source} into {@code sink}, counting into {@code bytesIn}; returns
   * early once the job failed. A file that shrank meanwhile is recorded as the source's failure.
   */
  static void run(
      Source source,
      Sink sink,
      int chunkSize,
      AtomicLong bytesIn,
      FirstFailure failures,
      ChunkWriter.Progress progress)
      throws IOException {
    FileChannelSource file = (FileChannelSource) source;
    TransferTarget target = (TransferTarget) sink;
    long slice = Math.max(chunkSize, SLICE);
    while (file.position() < file.end()) {
      if (Thread.interrupted()) {
        throw new InterruptedIOException("transfer interrupted");
      }
      if (failures.hasFailed()) {
        return;
      }
      long start = System.nanoTime();
      long count = Math.min(slice, file.end() - file.position());
      long moved = target.transferFrom(file.channel(), file.position(), count);
      if (moved <= 0) {
        IOException shrank = file.shrank(file.position());
        failures.record(shrank, AbortReason.SOURCE_FAILED);
        throw shrank;
      }
      file.advance(moved);
      bytesIn.addAndGet(moved);
      progress.chunkWritten((int) moved, System.nanoTime() - start);
    }
  }
}
