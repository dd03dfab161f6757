package dev.sluice.core.file;

import java.nio.file.Path;

/**
 * Reserves a file's blocks ahead of its writes, where the platform can (Linux's {@code fallocate}
 * with {@code FALLOC_FL_KEEP_SIZE}): Java has no call for it, so an application that can make one
 * {@linkplain TemporaryFile#reserveBlocksWith installs} it, and without one nothing is reserved and
 * the writes allocate as they go. The server installs one; the command line does not (binding a
 * native call at start-up cost it about what a 1 GiB copy's writes save).
 *
 * <p>Why: on ext4 a buffered write into blocks not yet allocated reserves them page by page
 * (delayed allocation), and a rename over an existing file then allocates every block of the new
 * one and starts writing it back inside the rename, while the uploader waits for its response.
 * Blocks reserved up front cost neither (docs/benchmarks.md, "Blocks reserved ahead of the
 * writes").
 *
 * <p>Implementations are thread-safe and never throw.
 */
@FunctionalInterface
public interface BlockReservation {

  /**
   * Reserves blocks for the first {@code bytes} bytes of {@code file}, an existing regular file,
   * without changing its size; false if nothing was reserved.
   */
  boolean reserve(Path file, long bytes);
}
