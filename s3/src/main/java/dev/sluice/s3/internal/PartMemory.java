package dev.sluice.s3.internal;

import dev.sluice.core.ByteSize;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.job.MemoryExhaustedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * How the S3 module takes room for its parts from a server's {@link MemoryBudget}: the multipart
 * sink's part buffers ({@link PartBuffers}) and a resumable append's part ({@code S3UploadStore})
 * wait, fail and word their refusal the same way.
 */
public final class PartMemory {

  private PartMemory() {}

  /** {@code wait} if it is a valid wait for memory (not null, not negative). */
  public static Duration requireWait(Duration wait) {
    if (wait == null || wait.isNegative()) {
      throw new IllegalArgumentException("wait must be >= 0: " + wait);
    }
    return wait;
  }

  /**
   * Room for {@code bytes} (one {@code what}, e.g. "a part buffer") in {@code memory}, waiting up
   * to {@code wait}.
   *
   * @throws MemoryExhaustedException if there is none within the wait
   */
  public static MemoryBudget.Reservation reserve(
      MemoryBudget memory, int bytes, Duration wait, String what) throws IOException {
    MemoryBudget.Reservation reservation = tryReserve(memory, bytes, wait);
    if (reservation == null) {
      throw new MemoryExhaustedException(
          "no memory for "
              + what
              + " of "
              + ByteSize.format(bytes)
              + " within "
              + wait.toMillis()
              + " ms ("
              + memory
              + " in use)");
    }
    return reservation;
  }

  /** Room for {@code bytes} in {@code memory} within {@code wait}, or null if there is none. */
  static MemoryBudget.Reservation tryReserve(MemoryBudget memory, int bytes, Duration wait)
      throws InterruptedIOException {
    try {
      return memory.reserve(bytes, wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      var interrupted = new InterruptedIOException("interrupted while waiting for memory");
      interrupted.initCause(e);
      throw interrupted;
    }
  }
}
