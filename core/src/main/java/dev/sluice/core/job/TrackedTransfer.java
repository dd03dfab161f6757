package dev.sluice.core.job;

import dev.sluice.core.AbortReason;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A transfer its caller runs itself (not an {@link Ingestion}), listed, cancelled and waited for by
 * a {@link JobRegistry} like its jobs: a download a request handler streams, say. The caller counts
 * the bytes it moves with {@link #add}, says how to stop it with {@link #onCancel}, and closes it
 * when it ends.
 *
 * {@snippet :
 * try (TrackedTransfer transfer = registry.track("download", key, length)) {
 *   Thread handler = Thread.currentThread();
 *   transfer.onCancel(reason -> handler.interrupt());
 *   // ... copy, calling transfer.add(n) after each write
 * }
 * }
 *
 * <p>Thread-safe: {@link #cancel} may come from any thread.
 */
public final class TrackedTransfer implements AutoCloseable {

  private final long id = JobIds.next();
  private final String kind;
  private final String name;
  private final long expectedBytes;
  private final Instant startedAt = Instant.now();
  private final AtomicLong bytes = new AtomicLong();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Object lock = new Object();
  private Consumer<AbortReason> canceller; // guarded by lock
  private AbortReason cancelReason; // guarded by lock

  TrackedTransfer(String kind, String name, long expectedBytes) {
    this.kind = kind;
    this.name = name;
    this.expectedBytes = expectedBytes;
  }

  /** Counts {@code n} more bytes moved. */
  public void add(long n) {
    bytes.addAndGet(n);
  }

  /** The bytes moved so far. */
  public long bytes() {
    return bytes.get();
  }

  /**
   * Sets how to stop this transfer, replacing the previous way; called at once if it was already
   * cancelled.
   */
  public void onCancel(Consumer<AbortReason> stop) {
    AbortReason already;
    synchronized (lock) {
      canceller = stop;
      already = cancelReason;
    }
    if (already != null) {
      stop.accept(already);
    }
  }

  /**
   * Stops this transfer with {@code reason}; the first reason given wins.
   *
   * @return false if it was already cancelled or has ended
   */
  public boolean cancel(AbortReason reason) {
    Consumer<AbortReason> stop;
    synchronized (lock) {
      if (cancelReason != null || isDone()) {
        return false;
      }
      cancelReason = reason;
      stop = canceller;
    }
    if (stop != null) {
      stop.accept(reason);
    }
    return true;
  }

  /** Why this transfer was cancelled, or null. */
  public AbortReason cancelReason() {
    synchronized (lock) {
      return cancelReason;
    }
  }

  /** Ends this transfer: its registry forgets it. Idempotent. */
  @Override
  public void close() {
    closed.countDown();
  }

  long id() {
    return id;
  }

  String kind() {
    return kind;
  }

  String name() {
    return name;
  }

  long expectedBytes() {
    return expectedBytes;
  }

  Instant startedAt() {
    return startedAt;
  }

  boolean isDone() {
    return closed.getCount() == 0;
  }

  boolean awaitClose(Duration timeout) throws InterruptedException {
    return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public String toString() {
    return kind + "(" + name + ")";
  }
}
