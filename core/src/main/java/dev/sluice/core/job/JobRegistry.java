package dev.sluice.core.job;

import dev.sluice.core.AbortReason;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The active jobs of a process or server, and their graceful shutdown.
 *
 * {@snippet :
 * JobRegistry registry = new JobRegistry();
 * WorkerPool workers = registry.own(WorkerPool.of(2));
 * IngestionJob job = Ingestion.from(source).through(Transforms.gzip(6)).to(sink)
 *     .offload(workers)
 *     .registry(registry)
 *     .start();                       // throws ShuttingDownException once shutdown began
 * registry.jobs();                    // id, pipeline, bytes so far, rate: for a /jobs endpoint
 * registry.shutdown(Duration.ofSeconds(30)); // e.g. from a SIGTERM hook
 * }
 *
 * <p>A job registers when it starts with {@link Ingestion#registry} and leaves the registry once
 * its threads have ended. {@link #shutdown} refuses new jobs from its first moment, lets running
 * jobs finish within the grace period, cancels the rest with {@link AbortReason#SHUTDOWN}, waits
 * for them to end, then closes what the registry {@linkplain #own owns} (worker pools, the
 * scheduler-lag probe). Thread-safe.
 */
public final class JobRegistry {

  /** How long shutdown waits for cancelled jobs to end after the grace period. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private final Object shutdownLock = new Object();
  private final Map<Long, Tracked> jobs = new LinkedHashMap<>(); // guarded by lock
  private final Deque<AutoCloseable> owned = new ArrayDeque<>(); // guarded by lock
  private boolean shuttingDown; // guarded by lock
  private boolean closedOwned; // guarded by lock

  /** A registry that times its jobs' rates with {@link System#nanoTime()}. */
  public JobRegistry() {
    this(System::nanoTime);
  }

  /** A registry that times its jobs' rates with {@code nanoTime}: tests advance it by hand. */
  JobRegistry(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * Starts {@code plan} and tracks it, or refuses it (ending its source and sink) when shutting
   * down.
   */
  IngestionJob start(Engine.Plan plan) {
    long expected = plan.source().length();
    synchronized (lock) {
      prune();
      if (!shuttingDown) {
        Engine job = Engine.start(plan);
        jobs.put(job.id(), new Tracked(job, expected, nanoTime.getAsLong()));
        return job;
      }
    }
    throw refuse(plan);
  }

  private static ShuttingDownException refuse(Engine.Plan plan) {
    ShuttingDownException refused =
        new ShuttingDownException("shutting down: refused new job " + Engine.describe(plan));
    plan.sink().abort(refused);
    try {
      plan.source().close();
    } catch (IOException | RuntimeException e) {
      refused.addSuppressed(e);
    }
    return refused;
  }

  /**
   * Closes {@code resource} at the end of {@link #shutdown}, after every job has ended; resources
   * close in the reverse order of registration. Closes it at once if shutdown has already finished.
   */
  public <T extends AutoCloseable> T own(T resource) {
    if (resource == null) {
      throw new NullPointerException("resource == null");
    }
    synchronized (lock) {
      if (!closedOwned) {
        owned.push(resource);
        return resource;
      }
    }
    closeQuietly(resource);
    return resource;
  }

  /** True once {@link #shutdown} has been called: new jobs are refused. */
  public boolean isShuttingDown() {
    synchronized (lock) {
      return shuttingDown;
    }
  }

  /** The jobs still running, oldest first. */
  public List<JobStatus> jobs() {
    long now = nanoTime.getAsLong();
    List<JobStatus> statuses = new ArrayList<>();
    synchronized (lock) {
      prune();
      for (Tracked tracked : jobs.values()) {
        if (!tracked.job.isDone()) {
          statuses.add(tracked.status(now));
        }
      }
    }
    return statuses;
  }

  /**
   * How many of this registry's jobs still have a thread (reader or writer) alive. Virtual threads
   * are not listed by {@link Thread#getAllStackTraces()}; this count is how to check that none is
   * left. Zero after {@link #shutdown} returned true.
   */
  public int liveJobs() {
    synchronized (lock) {
      return (int) jobs.values().stream().filter(t -> !t.job.hasEnded()).count();
    }
  }

  /**
   * Shuts down: refuses new jobs from now on with {@link ShuttingDownException}, waits up to {@code
   * grace} for running jobs to end, cancels the rest with {@link AbortReason#SHUTDOWN}, waits up to
   * {@link #STOP_TIMEOUT} for them to end, then closes what the registry owns. Calls after the
   * first wait for it and return at once.
   *
   * @return true if every job ended and every owned resource closed cleanly: no Sluice thread of
   *     this registry is left
   * @throws InterruptedException if the calling thread was interrupted while waiting; jobs still
   *     running then keep running
   */
  public boolean shutdown(Duration grace) throws InterruptedException {
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException("grace must be >= 0: " + grace);
    }
    synchronized (shutdownLock) {
      List<Engine> running;
      synchronized (lock) {
        shuttingDown = true;
        running = jobs.values().stream().map(t -> t.job).toList();
      }
      long graceEnd = System.nanoTime() + grace.toNanos();
      for (Engine job : running) {
        job.awaitTermination(Duration.ofNanos(Math.max(0, graceEnd - System.nanoTime())));
      }
      for (Engine job : running) {
        if (!job.isDone()) {
          job.cancel(AbortReason.SHUTDOWN);
        }
      }
      boolean clean = true;
      long stopEnd = System.nanoTime() + STOP_TIMEOUT.toNanos();
      for (Engine job : running) {
        clean &= job.awaitTermination(Duration.ofNanos(Math.max(0, stopEnd - System.nanoTime())));
      }
      clean &= closeOwned();
      synchronized (lock) {
        prune();
        return clean && jobs.isEmpty();
      }
    }
  }

  private boolean closeOwned() {
    List<AutoCloseable> toClose;
    synchronized (lock) {
      toClose = new ArrayList<>(owned);
      owned.clear();
      closedOwned = true;
    }
    boolean clean = true;
    for (AutoCloseable resource : toClose) {
      clean &= closeQuietly(resource);
    }
    return clean;
  }

  private static boolean closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Forgets jobs whose threads have all ended. */
  private void prune() {
    jobs.values().removeIf(t -> t.job.isDone() && t.job.hasEnded());
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "JobRegistry[" + jobs.size() + " jobs" + (shuttingDown ? ", shutting down]" : "]");
    }
  }

  /** A job and the last sample of its progress, for the rate. */
  private static final class Tracked {

    private static final long RATE_WINDOW_NANOS = 1_000_000_000L;

    final Engine job;
    final long expectedBytes;
    final long startNanos;
    long sampleNanos;
    long sampleBytes;
    double rate = Double.NaN;

    Tracked(Engine job, long expectedBytes, long startNanos) {
      this.startNanos = startNanos;
      this.sampleNanos = startNanos;
      this.job = job;
      this.expectedBytes = expectedBytes;
    }

    JobStatus status(long now) {
      long bytes = job.bytesIn();
      if (now - sampleNanos >= RATE_WINDOW_NANOS) {
        rate = (bytes - sampleBytes) * 1e9 / (now - sampleNanos);
        sampleNanos = now;
        sampleBytes = bytes;
      }
      double current = Double.isNaN(rate) ? bytes * 1e9 / Math.max(1, now - startNanos) : rate;
      Engine.Plan plan = job.plan();
      return new JobStatus(
          job.id(),
          job.pipeline(),
          plan.source().toString(),
          plan.sink().toString(),
          job.startedAt(),
          bytes,
          job.bytesOut(),
          expectedBytes,
          current);
    }
  }
}
