package dev.sluice.s3.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded part buffers of one upload and the count of parts in flight: at most {@code parallel
 * + 1} buffers of {@code partSize} bytes ever exist (one filling, {@code parallel} uploading), and
 * they are reused from part to part. Waiting for a buffer or an upload slot is the sink's
 * backpressure; a part failure wakes every waiter.
 *
 * <p>Buffers are direct, outside the Java heap, so a small {@code -Xmx} does not have to hold them.
 */
final class PartBuffers {

  private final int partSize;
  private final int parallel;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
  private int allocated; // guarded by lock
  private int uploading; // guarded by lock
  private IOException failure; // guarded by lock

  PartBuffers(int partSize, int parallel) {
    this.partSize = partSize;
    this.parallel = parallel;
  }

  /** A cleared buffer; allocates until {@code parallel + 1} exist, then waits for a free one. */
  ByteBuffer take() throws IOException {
    lock.lock();
    try {
      while (free.isEmpty() && allocated == parallel + 1) {
        throwIfFailed();
        awaitChange("a part buffer");
      }
      throwIfFailed();
      if (!free.isEmpty()) {
        return free.pop().clear();
      }
      allocated++;
    } finally {
      lock.unlock();
    }
    try {
      return ByteBuffer.allocateDirect(partSize);
    } catch (OutOfMemoryError e) {
      lock.lock();
      try {
        allocated--;
      } finally {
        lock.unlock();
      }
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
      free.push(buffer);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Gives back a buffer that was taken but not uploaded. */
  void giveBack(ByteBuffer buffer) {
    lock.lock();
    try {
      free.push(buffer);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
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

  /** Drops every buffer so the memory can be reclaimed; call once nothing is in flight. */
  void release() {
    lock.lock();
    try {
      free.clear();
      allocated = 0;
    } finally {
      lock.unlock();
    }
  }

  private void throwIfFailed() throws IOException {
    if (failure != null) {
      throw failure;
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
