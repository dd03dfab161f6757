package dev.sluice.core.job;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Collects the old generation once what it holds passes a threshold, so a long-running server's
 * resident memory follows what it keeps alive, not what it ever promoted. The serial collector
 * grows its old generation rather than collect it while the heap may still grow, and every page it
 * touched stays resident: state that lives as long as a request (a connection, a throttled
 * download's thread stack) is promoted and dies there, and without a collection the server's
 * resident set grows by it, pass over pass, up to the heap's maximum. With a small initial heap
 * (the launcher's {@code -Xms}) a full collection also gives the pages back.
 *
 * <p>The threshold is one and a half times what the old generation held after the last collection
 * (measured against twice in docs/benchmarks.md, "The old generation's threshold"), at least {@code
 * floor}, and a collection runs at most once per {@code minInterval} of the clock. Uses the JVM's
 * usage-threshold notification on the heap pool that supports one (the serial collector's {@code
 * Tenured Gen}, G1's {@code G1 Old Gen}); does nothing when no pool supports it or explicit
 * collections are disabled. The collection runs on a thread of its own, never on the JVM's
 * notification thread. Thread-safe; {@link #close()} stops it.
 */
public final class OldGenerationCollector implements AutoCloseable {

  private final MemoryPoolMXBean pool;
  private final long floor;
  private final long minIntervalNanos;
  private final Runnable collect;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("sluice-old-gen-collector").daemon().unstarted(r));
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicLong collections = new AtomicLong();
  private final NotificationListener listener = this::onNotification;
  private long lastNanos = Long.MIN_VALUE; // the collector thread's

  private OldGenerationCollector(
      MemoryPoolMXBean pool, long floor, long minIntervalNanos, Runnable collect) {
    this.pool = pool;
    this.floor = floor;
    this.minIntervalNanos = minIntervalNanos;
    this.collect = collect;
  }

  /**
   * Starts watching the old generation with a threshold of at least {@code floor} bytes, collecting
   * with {@code collect} (e.g. {@code System::gc}) at most once per {@code minIntervalNanos}; empty
   * when this JVM's heap has no pool with a usage threshold.
   */
  public static Optional<OldGenerationCollector> start(
      long floor, long minIntervalNanos, Runnable collect) {
    return oldGeneration()
        .map(
            pool -> {
              OldGenerationCollector collector =
                  new OldGenerationCollector(pool, floor, minIntervalNanos, collect);
              collector.rearm();
              ((NotificationEmitter) ManagementFactory.getMemoryMXBean())
                  .addNotificationListener(collector.listener, null, null);
              return collector;
            });
  }

  /** The heap pool that takes a usage threshold: the old generation of the running collector. */
  static Optional<MemoryPoolMXBean> oldGeneration() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP && p.isUsageThresholdSupported())
        .findFirst();
  }

  /** The bytes past which the next collection runs. */
  public long threshold() {
    return pool.getUsageThreshold();
  }

  /** Collections run so far. */
  public long collections() {
    return collections.get();
  }

  private void onNotification(Notification notification, Object handback) {
    if (!MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(notification.getType())) {
      return;
    }
    MemoryNotificationInfo info =
        MemoryNotificationInfo.from((CompositeData) notification.getUserData());
    if (!info.getPoolName().equals(pool.getName()) || !pending.compareAndSet(false, true)) {
      return;
    }
    try {
      thread.execute(this::collectOnce);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      pending.set(false);
    }
  }

  private void collectOnce() {
    try {
      if (lastNanos != Long.MIN_VALUE) {
        long wait = lastNanos + minIntervalNanos - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
      lastNanos = System.nanoTime();
      collect.run();
      collections.incrementAndGet();
      rearm();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed
    } finally {
      pending.set(false);
    }
  }

  /** Sets the threshold from what the old generation holds now (after a collection: live data). */
  private void rearm() {
    long used = pool.getUsage().getUsed();
    pool.setUsageThreshold(Math.max(floor, used + used / 2));
  }

  @Override
  public void close() {
    try {
      ((NotificationEmitter) ManagementFactory.getMemoryMXBean())
          .removeNotificationListener(listener);
    } catch (ListenerNotFoundException e) {
      // already removed
    }
    pool.setUsageThreshold(0); // 0 turns the threshold off
    thread.shutdownNow();
  }
}
