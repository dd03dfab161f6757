package dev.sluice.core.job;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one scheduler that times out every job of the process: one daemon thread, {@code
 * sluice-timeouts}, started with the first job that has a timeout. A job cancels its timeout when
 * it ends, and the cancelled task leaves the queue at once.
 */
final class Timeouts {

  private static final ScheduledThreadPoolExecutor SCHEDULER = newScheduler();

  private Timeouts() {}

  /** Runs {@code action} after {@code delay} unless the returned future is cancelled first. */
  static Future<?> after(Duration delay, Runnable action) {
    return SCHEDULER.schedule(action, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private static ScheduledThreadPoolExecutor newScheduler() {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon(true).name("sluice-timeouts").factory());
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }
}
