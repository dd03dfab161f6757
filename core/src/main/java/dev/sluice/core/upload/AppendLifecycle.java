package dev.sluice.core.upload;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.LimitExceededException;
import dev.sluice.core.Receipt;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The store-neutral part of one {@link UploadAppend}: whether it may still write, whether a newer
 * request superseded it, whether an abort discards its bytes, and its end, reported to the {@link
 * AppendTracker} that made it. An append composes one and keeps its bytes' handling to itself.
 *
 * <p>Used by the append's thread, except {@link #supersede} and {@link #awaitEnd}, which the
 * tracker calls from the request that supersedes it.
 */
public final class AppendLifecycle {

  private final AppendTracker tracker;
  private final String id;
  private final long start;
  private final long length;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final List<Runnable> onSuperseded = new CopyOnWriteArrayList<>();
  private volatile boolean superseded;
  private boolean discardOnAbort;
  private boolean done;

  AppendLifecycle(AppendTracker tracker, String id, long start, long length) {
    this.tracker = tracker;
    this.id = id;
    this.start = start;
    this.length = length;
  }

  /** The upload's id. */
  public String id() {
    return id;
  }

  /** The offset the append began at. */
  public long start() {
    return start;
  }

  /** As {@link UploadAppend#onSuperseded}. */
  public void onSuperseded(Runnable action) {
    onSuperseded.add(action);
    if (superseded) {
      action.run();
    }
  }

  /** As {@link UploadAppend#discardOnAbort}. */
  public void discardOnAbort() {
    discardOnAbort = true;
  }

  /** Ends the append from another request: its next write fails, its callbacks run. */
  void supersede() {
    if (superseded) {
      return;
    }
    superseded = true;
    for (Runnable action : onSuperseded) {
      action.run();
    }
  }

  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Refuses a commit (or a write) once the append is ending. */
  public void requireOpen() {
    if (done) {
      throw new IllegalStateException("the append to upload " + id + " has already ended");
    }
  }

  /**
   * Refuses a write of {@code bytes} at {@code position} when the append is ending, was superseded
   * or would pass the declared length.
   */
  public void requireWritable(int bytes, long position) throws IOException {
    requireOpen();
    if (superseded) {
      throw new IOException("a newer request to upload " + id + " ended this one");
    }
    if (length != Upload.UNKNOWN_LENGTH && bytes > length - position) {
      throw new LimitExceededException("the data sent for upload " + id, length);
    }
  }

  /** Marks the append as ending: writes and commits are refused from here. */
  public void stopWrites() {
    done = true;
  }

  /** Whether {@link #end} was called. */
  public boolean isEnded() {
    return ended.getCount() == 0;
  }

  /**
   * Whether an abort for {@code cause} discards the append's bytes: {@link #discardOnAbort} was
   * called, or the cause is (or is caused by) a {@link DigestMismatchException}.
   */
  public boolean discards(Throwable cause) {
    if (discardOnAbort) {
      return true;
    }
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof DigestMismatchException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reports the end: the upload's offset is now {@code offset}, {@code covering} is the digest of
   * exactly its bytes (or null), {@code discarded} says the append's bytes were cut off again. A
   * second call, after a failure while ending, replaces what the first reported.
   */
  public void end(long offset, MessageDigest covering, boolean discarded) {
    tracker.ended(this, offset, covering, discarded);
    ended.countDown();
  }

  /** The receipt of a commit that left the upload at {@code offset}. */
  public Receipt receipt(long offset) {
    return Receipt.of("upload " + id).with("upload", id).with("offset", offset);
  }
}
