package dev.sluice.core.job;

import dev.sluice.core.AbortReason;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;

/**
 * The root cause of a job: the first failure recorded wins, later ones are attached to it as
 * suppressed. A job about to commit {@linkplain #beginCommit() closes} it to cancellations, so a
 * commit that began is never undone by a cancel or a timeout. Thread-safe.
 */
final class FirstFailure {

  private final Runnable onFirst;
  private Throwable cause; // guarded by this
  private AbortReason reason; // guarded by this
  private boolean committing; // guarded by this

  /** {@code onFirst} runs once, holding this latch, when the first failure is recorded. */
  FirstFailure(Runnable onFirst) {
    this.onFirst = onFirst;
  }

  /**
   * Records {@code failure}: the first becomes the root cause; a later one is attached to it,
   * unless it is an interruption (the job interrupts its own threads to stop them) or already
   * attached.
   */
  synchronized void record(Throwable failure, AbortReason why) {
    if (cause == null) {
      cause = failure;
      reason = why;
      onFirst.run();
    } else if (failure != cause && !isInterruption(failure) && !isSuppressed(failure)) {
      cause.addSuppressed(failure);
    }
  }

  /**
   * Records {@code cancellation} if nothing failed and no commit began.
   *
   * @return true if it became the root cause
   */
  synchronized boolean cancel(Throwable cancellation, AbortReason why) {
    if (cause != null || committing) {
      return false;
    }
    record(cancellation, why);
    return true;
  }

  /**
   * Begins the commit if nothing failed: cancellations are refused from now on.
   *
   * @return true if the job may commit
   */
  synchronized boolean beginCommit() {
    committing = cause == null;
    return committing;
  }

  synchronized boolean isCommitting() {
    return committing;
  }

  synchronized boolean hasFailed() {
    return cause != null;
  }

  /** The root cause, or {@code null}. */
  synchronized Throwable cause() {
    return cause;
  }

  /** Why the root cause aborts the job, or {@code null}. */
  synchronized AbortReason reason() {
    return reason;
  }

  private static boolean isInterruption(Throwable failure) {
    return failure instanceof InterruptedException
        || failure instanceof InterruptedIOException
        || failure instanceof ClosedByInterruptException;
  }

  private boolean isSuppressed(Throwable failure) {
    for (Throwable t : cause.getSuppressed()) {
      if (t == failure) {
        return true;
      }
    }
    return false;
  }
}
