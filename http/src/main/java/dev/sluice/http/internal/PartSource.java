package dev.sluice.http.internal;

import dev.sluice.core.Source;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One multipart file part as a {@link Source}: the multipart parser {@linkplain #offer offers} each
 * slice of part content and waits until the engine's reader has copied it all, so at most one
 * network chunk of the part is ever held, however large the part.
 */
final class PartSource implements Source {

  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private ByteBuffer pending; // guarded by lock
  private boolean ended; // guarded by lock
  private boolean closed; // guarded by lock

  PartSource(String name) {
    this.name = name;
  }

  /**
   * Hands {@code data} to the reader and blocks until it has been copied, or the source was closed
   * (the ingestion ended early: the rest of the part is dropped).
   */
  void offer(ByteBuffer data) throws InterruptedIOException {
    if (!data.hasRemaining()) {
      return;
    }
    lock.lock();
    try {
      if (closed) {
        return;
      }
      pending = data;
      changed.signalAll();
      while (pending != null && !closed) {
        changed.await();
      }
      pending = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while handing over part " + name);
    } finally {
      lock.unlock();
    }
  }

  /** The part's content is complete. */
  void end() {
    lock.lock();
    try {
      ended = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    lock.lock();
    try {
      while (pending == null && !ended && !closed) {
        changed.await();
      }
      if (closed) {
        throw new IOException(name + " is closed");
      }
      if (pending == null) {
        return -1;
      }
      int n = Math.min(pending.remaining(), into.remaining());
      int limit = pending.limit();
      pending.limit(pending.position() + n);
      into.put(pending);
      pending.limit(limit);
      if (!pending.hasRemaining()) {
        pending = null;
        changed.signalAll();
      }
      return n;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading " + name);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      pending = null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
