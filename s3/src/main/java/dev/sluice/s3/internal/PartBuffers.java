package dev.sluice.s3.internal;

import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.job.MemoryExhaustedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded part buffers of one upload and the count of parts in flight: at most {@code parallel
 * + 1} buffers of {@code partSize} bytes ever exist (one filling, {@code parallel} uploading), and
 * they are reused from part to part. Waiting for a buffer or an upload slot is the sink's
 * backpressure; a part failure wakes every waiter.
 *
 * <p>Buffers are direct, outside the Java heap, so a small {@code -Xmx} does not have to hold them.
 * Without a memory budget they are allocated as needed, up to {@code parallel + 1}. With one (a
 * server's), each buffer is reserved from it: the first, without which the upload cannot move,
 * waits up to the given time and then fails with {@link MemoryExhaustedException}; further ones are
 * taken only when the budget has room at once (never ahead of a transfer waiting for memory), else
 * the upload waits for one of its own to come back. A buffer beyond the first that comes back while
 * another transfer waits for memory goes back to the budget. {@link #release} gives every buffer
 * back once, those still in flight as their parts end.
 */
final class PartBuffers {

  private final int partSize;
  private final int parallel;
  private final MemoryBudget memory; // null: allocated outside any budget
  private final Duration wait;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>(); // guarded by lock
  // guarded by lock: each budgeted buffer's own reservation, until it goes back
  private final Map<ByteBuffer, MemoryBudget.Reservation> reserved = new IdentityHashMap<>();
  private int allocated; // guarded by lock: buffers that exist or are being made
  private int uploading; // guarded by lock
  private boolean released; // guarded by lock
  private IOException failure; // guarded by lock

  /** Buffers allocated outside any budget. */
  PartBuffers(int partSize, int parallel) {
    this(partSize, parallel, null, Duration.ZERO);
  }

  /**
   * Buffers reserved from {@code memory} (none when null), the first waiting up to {@code wait}.
   */
  PartBuffers(int partSize, int parallel, MemoryBudget memory, Duration wait) {
    this.partSize = partSize;
    this.parallel = parallel;
    this.memory = memory;
    this.wait = wait;
  }

  /**
   * A cleared buffer: a free one, else a new one while fewer than {@code parallel + 1} exist (and,
   * with a budget, it has room), else the next to come back.
   *
   * @throws MemoryExhaustedException if the budget has no room for the upload's first buffer within
   *     the wait, or the JVM has no direct memory left for a budgeted buffer
   */
  ByteBuffer take() throws IOException {
    boolean tryExtra = true;
    while (true) {
      boolean first;
      lock.lock();
      try {
        throwIfFailed();
        if (!free.isEmpty()) {
          return free.pop().clear();
        }
        if (allocated == parallel + 1 || (memory != null && allocated > 0 && !tryExtra)) {
          awaitChange("a part buffer");
          tryExtra = true;
          continue;
        }
        first = allocated == 0;
        allocated++;
      } finally {
        lock.unlock();
      }
      ByteBuffer made = memory == null ? allocate() : reserve(first);
      if (made != null) {
        return made;
      }
      tryExtra = false; // no room for another now: wait for one of this upload's own
    }
  }

  private ByteBuffer allocate() throws IOException {
    try {
      return ByteBuffer.allocateDirect(partSize);
    } catch (OutOfMemoryError e) {
      unmade();
      throw new IOException(
          "cannot allocate a part buffer of "
              + partSize
              + " bytes: the upload needs (parallel + 1) × part size = "
              + (long) (parallel + 1) * partSize
              + " bytes of direct memory; raise -XX:MaxDirectMemorySize or lower the part size or"
              + " parallelism",
          e);
    }
  }

  /** A buffer reserved from the budget, or null if there is no room for another now. */
  private ByteBuffer reserve(boolean first) throws IOException {
    MemoryBudget.Reservation reservation;
    try {
      reservation =
          first
              ? PartMemory.reserve(memory, partSize, wait, "a part buffer")
              : PartMemory.tryReserve(memory, partSize, Duration.ZERO);
    } catch (IOException e) {
      unmade();
      throw e;
    }
    if (reservation == null) {
      unmade();
      return null;
    }
    ByteBuffer buffer;
    try {
      buffer = reservation.take(partSize);
    } catch (MemoryExhaustedException e) {
      reservation.close();
      unmade();
      throw e;
    }
    lock.lock();
    try {
      reserved.put(buffer, reservation);
      if (released) { // ended (aborted) while this one was being made
        returnToBudget(buffer);
        throwIfFailed();
      }
    } finally {
      lock.unlock();
    }
    return buffer;
  }

  /** Forgets a buffer that could not be made. */
  private void unmade() {
    lock.lock();
    try {
      allocated--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits for an upload slot (fewer than {@code parallel} parts in flight) and takes it. */
  void startUpload() throws IOException {
    lock.lock();
    try {
      while (uploading == parallel) {
        throwIfFailed();
        awaitChange("an upload slot");
      }
      throwIfFailed();
      uploading++;
    } finally {
      lock.unlock();
    }
  }

  /** Ends an upload: gives back its slot and its buffer. */
  void finishUpload(ByteBuffer buffer) {
    lock.lock();
    try {
      uploading--;
      putBack(buffer);
    } finally {
      lock.unlock();
    }
  }

  /** Gives back a buffer that was taken but not uploaded. */
  void giveBack(ByteBuffer buffer) {
    lock.lock();
    try {
      putBack(buffer);
    } finally {
      lock.unlock();
    }
  }

  private void putBack(ByteBuffer buffer) {
    if (released) {
      returnToBudget(buffer); // the upload has ended: nothing reuses it
    } else if (memory != null && allocated > 1 && memory.waiting() > 0) {
      returnToBudget(buffer); // another transfer needs the memory more than this upload's extra
    } else {
      free.push(buffer);
    }
    changed.signalAll();
  }

  /** Gives a budgeted buffer back to the budget, once; a buffer of no budget is left to the GC. */
  private void returnToBudget(ByteBuffer buffer) {
    MemoryBudget.Reservation reservation = reserved.remove(buffer);
    if (reservation != null) {
      reservation.give(buffer);
      reservation.close();
    }
    allocated--;
  }

  /** Records the first failure of a part; every waiter wakes and throws it. */
  void fail(IOException cause) {
    lock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The first part failure, or null. */
  IOException failure() {
    lock.lock();
    try {
      return failure;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until no part is in flight. */
  void awaitSettled() throws InterruptedIOException {
    lock.lock();
    try {
      while (uploading > 0) {
        awaitChange("the parts in flight");
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits until no part is in flight, even if interrupted (for aborts, which must finish). */
  void awaitSettledUninterruptibly() {
    lock.lock();
    try {
      while (uploading > 0) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the upload's use of its buffers: the free ones go back now (to the budget, or to the GC),
   * those still in flight as their parts end. Give back the one being filled first. Later calls do
   * nothing.
   */
  void release() {
    lock.lock();
    try {
      released = true;
      while (!free.isEmpty()) {
        returnToBudget(free.pop());
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void throwIfFailed() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (released) {
      throw new IOException("the upload has ended: its part buffers were given back");
    }
  }

  private void awaitChange(String what) throws InterruptedIOException {
    try {
      changed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      var interrupted = new InterruptedIOException("interrupted while waiting for " + what);
      interrupted.initCause(e);
      throw interrupted;
    }
  }
}
