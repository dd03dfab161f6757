package dev.sluice.core.file;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * The version of a large file that a rename replaces, held open across the rename and closed on a
 * thread of its own afterwards. The last close of a replaced file frees its blocks, which for a
 * large file takes long enough to be felt (docs/benchmarks.md, "Overwriting PUTs"): held, that
 * happens on the closer thread instead of inside the rename that the caller (an upload's response)
 * waits for. The work is the same, in the same process. Only on POSIX file systems, where an open
 * file may be replaced. Thread-safe.
 */
final class ReplacedFiles {

  /** Smaller files are freed quickly enough in the rename itself. */
  static final long HELD_FROM_BYTES = 8L << 20;

  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private static final ExecutorService CLOSER =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().daemon(true).name("sluice-replaced-files").factory());

  private ReplacedFiles() {}

  /**
   * Opens the regular file of at least {@link #HELD_FROM_BYTES} at {@code target}, to be
   * {@linkplain #release released} once it is replaced; null if there is none (or not here). Never
   * throws: the rename goes ahead either way.
   */
  static FileChannel hold(Path target) {
    if (!POSIX) {
      return null;
    }
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile() || attributes.size() < HELD_FROM_BYTES) {
        return null;
      }
      return FileChannel.open(target, StandardOpenOption.READ);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Closes {@code held} (if not null) on the closer thread. */
  static void release(FileChannel held) {
    if (held == null) {
      return;
    }
    try {
      CLOSER.execute(() -> closeQuietly(held));
    } catch (RejectedExecutionException e) {
      closeQuietly(held);
    }
  }

  /** Runs {@code task} on the closer thread, after the closes already queued (for tests). */
  static void onCloserThread(Runnable task) {
    CLOSER.execute(task);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing to do: the file is already replaced
    }
  }
}
