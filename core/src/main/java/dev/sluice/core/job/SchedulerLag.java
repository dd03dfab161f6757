package dev.sluice.core.job;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * How late virtual threads get to run: the JVM analogue of Node's event-loop delay. A probe virtual
 * thread sleeps for a short interval (10 ms by default) again and again and records how much later
 * than asked it woke. CPU-bound work left on virtual threads holds the carriers and raises it;
 * offloading that work to a {@link WorkerPool} lowers it.
 *
 * {@snippet :
 * SchedulerLag lag = registry.own(SchedulerLag.start());
 * // e.g. for /metrics, every scrape:
 * Latency recent = lag.snapshot(); // p50, p99, max of the last window
 * }
 *
 * <p>A stall counts once, as one very late wake-up, as Node's {@code monitorEventLoopDelay} counts
 * it: a few seconds' stall among a window of prompt wake-ups shows in the maximum more than in the
 * p99.
 *
 * <p>A probe costs one virtual thread (named {@code sluice-lag-N}) waking 100 times a second. One
 * probe per process is enough; share it, e.g. through {@link Ingestion#schedulerLag}, which puts
 * the lag seen during a job into its report. Thread-safe.
 */
public final class SchedulerLag implements AutoCloseable {

  /** The default sleep between two wake-ups: 10 ms. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(10);

  /** The default window {@link #snapshot()} covers: 10 s. */
  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

  private static final AtomicInteger IDS = new AtomicInteger();

  /** What {@link #since} counts from; see {@link #mark()}. */
  public static final class Mark {
    private final LatencyHistogram seen;

    private Mark(LatencyHistogram seen) {
      this.seen = seen;
    }
  }

  private final Duration interval;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private final Thread probe;
  private final LatencyHistogram total = new LatencyHistogram(); // guarded by this
  private LatencyHistogram current = new LatencyHistogram(); // guarded by this
  private LatencyHistogram previous = new LatencyHistogram(); // guarded by this
  private long currentSince; // guarded by this
  private volatile boolean closed;

  private SchedulerLag(Duration interval, Duration window, LongSupplier nanoTime, boolean probing) {
    this.interval = interval;
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
    this.currentSince = nanoTime.getAsLong();
    this.probe =
        Thread.ofVirtual().name("sluice-lag-" + IDS.incrementAndGet()).unstarted(this::probeLoop);
    if (probing) {
      probe.start();
    }
  }

  /**
   * A monitor without a probe thread whose windows follow {@code nanoTime}: tests feed it wake-ups
   * with {@link #record} and advance the time by hand.
   */
  static SchedulerLag withoutProbe(Duration interval, Duration window, LongSupplier nanoTime) {
    return new SchedulerLag(interval, window, nanoTime, false);
  }

  /** Starts a probe waking every 10 ms, with a 10 s window. */
  public static SchedulerLag start() {
    return start(DEFAULT_INTERVAL, DEFAULT_WINDOW);
  }

  /**
   * Starts a probe waking every {@code interval}, whose {@link #snapshot()} covers {@code window}.
   */
  public static SchedulerLag start(Duration interval, Duration window) {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be > 0: " + interval);
    }
    if (window == null || window.compareTo(interval) < 0) {
      throw new IllegalArgumentException(
          "window must be >= interval (" + interval + "): " + window);
    }
    return new SchedulerLag(interval, window, System::nanoTime, true);
  }

  private void probeLoop() {
    while (!closed) {
      long asleep = nanoTime.getAsLong();
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        continue; // close() wakes us this way; the loop condition decides
      }
      long now = nanoTime.getAsLong();
      record(now, now - asleep - interval.toNanos());
    }
  }

  /** Records a wake-up {@code lateNanos} late, seen at {@code now} (a {@code nanoTime} value). */
  synchronized void record(long now, long lateNanos) {
    if (now - currentSince >= windowNanos) {
      previous = current;
      current = new LatencyHistogram();
      currentSince = now;
    }
    current.record(lateNanos);
    total.record(lateNanos);
  }

  /**
   * How late wake-ups were over the recent window: the samples of the last one to two windows (the
   * current one, still filling, and the one before it).
   */
  public synchronized Latency snapshot() {
    LatencyHistogram recent = previous.copy();
    recent.add(current);
    return recent.summary();
  }

  /** How late wake-ups were since the probe started. */
  public synchronized Latency sinceStart() {
    return total.summary();
  }

  /** The number of wake-ups measured since the probe started. */
  public synchronized long samples() {
    return total.count();
  }

  /** A point to measure from with {@link #since}. */
  public synchronized Mark mark() {
    return new Mark(total.copy());
  }

  /**
   * How late wake-ups were since {@code mark}. Percentiles are within 12.5%, as every figure here;
   * the maximum is the upper bound of its bucket.
   */
  public synchronized Latency since(Mark mark) {
    return total.since(mark.seen).summary();
  }

  /** The sleep between wake-ups. */
  public Duration interval() {
    return interval;
  }

  /** Stops the probe and waits for its thread to end. Idempotent. */
  @Override
  public void close() {
    closed = true;
    probe.interrupt();
    boolean interrupted = false;
    while (probe.isAlive()) {
      try {
        probe.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "scheduler lag every " + interval + ": " + snapshot();
  }
}
