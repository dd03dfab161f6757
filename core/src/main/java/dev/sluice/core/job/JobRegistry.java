package dev.sluice.core.job;

import dev.sluice.core.AbortReason;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The running work of a process or server, and its graceful shutdown: the ingestion jobs started
 * with {@link Ingestion#registry} and the transfers a caller runs itself and {@linkplain #track
 * tracks} here (a server's downloads, say), listed alike by {@link #jobs()} (with the attributes
 * their callers gave, e.g. a client's address) and cancelled one at a time by {@link #cancel}.
 *
 * {@snippet :
 * JobRegistry registry = new JobRegistry();
 * WorkerPool workers = registry.own(WorkerPool.of(2));
 * IngestionJob job = Ingestion.from(source).through(Transforms.gzip(6)).to(sink)
 *     .offload(workers)
 *     .registry(registry)
 *     .start();                       // throws ShuttingDownException once shutdown began
 * registry.jobs();                    // id, kind, name, bytes so far, rate: for a /jobs endpoint
 * registry.shutdown(Duration.ofSeconds(30)); // e.g. from a SIGTERM hook
 * }
 *
 * <p>A job registers when it starts and leaves the registry once its threads have ended; a tracked
 * transfer once it is closed. {@link #shutdown} refuses new jobs and transfers from its first
 * moment, lets running ones finish within the grace period, cancels the rest with {@link
 * AbortReason#SHUTDOWN}, waits for them to end, then closes what the registry {@linkplain #own
 * owns} (worker pools, the scheduler-lag probe). Thread-safe.
 */
public final class JobRegistry {

  /** How long shutdown waits for cancelled jobs to end after the grace period. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A start prunes the entries that ended once the registry has doubled since the last pruning (at
   * least this many) or {@link #PRUNE_EVERY} has passed: a burst of n starts looks at O(n) entries,
   * not O(n²), and what ended is forgotten within a second of the next start.
   */
  private static final int PRUNE_MIN_SIZE = 64;

  private static final long PRUNE_EVERY = Duration.ofSeconds(1).toNanos();

  private final LongSupplier nanoTime;
  private final Object lock = new Object();
  private final Object shutdownLock = new Object();
  private final Map<Long, Listed> jobs = new LinkedHashMap<>(); // guarded by lock
  private int pruneAtSize = PRUNE_MIN_SIZE; // guarded by lock
  private long prunedAtNanos; // guarded by lock
  private long examined; // entries looked at by pruning; guarded by lock
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
   * Starts {@code plan} and lists it as {@code kind} and {@code name}, or refuses it (ending its
   * source and sink) when shutting down.
   */
  IngestionJob start(Engine.Plan plan, String kind, String name, Map<String, String> attributes) {
    long expected = plan.source().length();
    synchronized (lock) {
      pruneIfDue();
      if (!shuttingDown) {
        Engine job = Engine.start(plan);
        jobs.put(
            job.id(),
            new Listed(
                new RunningJob(job),
                job.id(),
                kind,
                name == null ? plan.sink().toString() : name,
                job.pipeline(),
                job.startedAt(),
                expected,
                plan.offload() != null,
                attributes,
                nanoTime.getAsLong()));
        return job;
      }
    }
    throw refuse(plan);
  }

  /**
   * Lists a transfer the caller runs itself until it is {@linkplain TrackedTransfer#close closed},
   * and cancels it on {@link #shutdown} like a job.
   *
   * @param kind what it is, e.g. {@code download}
   * @param name what it moves, e.g. an object's key
   * @param expectedBytes how many bytes it will move, or -1 when unknown
   * @throws ShuttingDownException if the registry is shutting down
   */
  public TrackedTransfer track(String kind, String name, long expectedBytes) {
    return track(kind, name, expectedBytes, Map.of());
  }

  /**
   * As {@link #track(String, String, long)}, with {@code attributes} listed beside it ({@link
   * JobStatus#attributes()}), e.g. the client's address and the rate it is throttled to.
   *
   * @throws ShuttingDownException if the registry is shutting down
   */
  public TrackedTransfer track(
      String kind, String name, long expectedBytes, Map<String, String> attributes) {
    Map<String, String> listed = Map.copyOf(attributes);
    TrackedTransfer transfer = new TrackedTransfer(kind, name, expectedBytes);
    synchronized (lock) {
      pruneIfDue();
      if (!shuttingDown) {
        jobs.put(
            transfer.id(),
            new Listed(
                new RunningTransfer(transfer),
                transfer.id(),
                kind,
                name,
                transfer.toString(),
                transfer.startedAt(),
                expectedBytes,
                false,
                listed,
                nanoTime.getAsLong()));
        return transfer;
      }
    }
    throw new ShuttingDownException("shutting down: refused new " + transfer);
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

  /**
   * Cancels the running job or tracked transfer {@code id} with {@code reason} (e.g. an operator's
   * {@link AbortReason#CANCELLED}); it then ends as it would on any cancel.
   *
   * @return false when none with that id runs
   */
  public boolean cancel(long id, AbortReason reason) {
    Running found;
    synchronized (lock) {
      Listed listed = jobs.get(id);
      if (listed == null || listed.running.isDone()) {
        return false;
      }
      found = listed.running;
    }
    found.cancel(reason); // outside the lock: a transfer's canceller runs the caller's code
    return true;
  }

  /** True once {@link #shutdown} has been called: new jobs are refused. */
  public boolean isShuttingDown() {
    synchronized (lock) {
      return shuttingDown;
    }
  }

  /** The jobs and tracked transfers still running, oldest first. */
  public List<JobStatus> jobs() {
    long now = nanoTime.getAsLong();
    List<JobStatus> statuses = new ArrayList<>();
    synchronized (lock) {
      prune();
      for (Listed listed : jobs.values()) {
        if (!listed.running.isDone()) {
          statuses.add(listed.status(now));
        }
      }
    }
    return statuses;
  }

  /** How many jobs and tracked transfers of {@code kind} are running. */
  public int count(String kind) {
    int n = 0;
    synchronized (lock) {
      for (Listed listed : jobs.values()) {
        if (listed.kind.equals(kind) && !listed.running.isDone()) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Waits until no job or tracked transfer runs, or {@code timeout} passes; unlike {@link
   * #shutdown} it refuses nothing and cancels nothing.
   *
   * @return true if none runs
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<Running> running = running();
      if (running.isEmpty()) {
        return true;
      }
      for (Running one : running) {
        if (!one.awaitEnd(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
          return false;
        }
      }
    }
  }

  private List<Running> running() {
    synchronized (lock) {
      return jobs.values().stream().map(l -> l.running).filter(r -> !r.isDone()).toList();
    }
  }

  /**
   * How many of this registry's jobs still have a thread (reader or writer) alive. Virtual threads
   * are not listed by {@link Thread#getAllStackTraces()}; this count is how to check that none is
   * left. Zero after {@link #shutdown} returned true.
   */
  public int liveJobs() {
    synchronized (lock) {
      return (int) jobs.values().stream().filter(l -> !l.running.hasEnded()).count();
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
      List<Running> running;
      synchronized (lock) {
        shuttingDown = true;
        running = jobs.values().stream().map(l -> l.running).toList();
      }
      long graceEnd = System.nanoTime() + grace.toNanos();
      for (Running one : running) {
        one.awaitEnd(Duration.ofNanos(Math.max(0, graceEnd - System.nanoTime())));
      }
      for (Running one : running) {
        if (!one.isDone()) {
          one.cancel(AbortReason.SHUTDOWN);
        }
      }
      boolean clean = true;
      long stopEnd = System.nanoTime() + STOP_TIMEOUT.toNanos();
      for (Running one : running) {
        clean &= one.awaitEnd(Duration.ofNanos(Math.max(0, stopEnd - System.nanoTime())));
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

  /** Prunes when the registry has doubled since the last pruning or a second has passed. */
  private void pruneIfDue() {
    if (jobs.size() >= pruneAtSize || nanoTime.getAsLong() - prunedAtNanos >= PRUNE_EVERY) {
      prune();
    }
  }

  /** Forgets the jobs whose threads have all ended and the transfers closed. */
  private void prune() {
    examined += jobs.size();
    jobs.values().removeIf(l -> l.running.hasEnded());
    pruneAtSize = Math.max(PRUNE_MIN_SIZE, 2 * jobs.size());
    prunedAtNanos = nanoTime.getAsLong();
  }

  /** Entries looked at by pruning so far. */
  long examinedByPruning() {
    synchronized (lock) {
      return examined;
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "JobRegistry[" + jobs.size() + " jobs" + (shuttingDown ? ", shutting down]" : "]");
    }
  }

  /** What the registry lists, cancels and waits for: a job or a tracked transfer. */
  private sealed interface Running {
    long bytesIn();

    long bytesOut();

    /** Its outcome is known (a job's future completed, a transfer closed). */
    boolean isDone();

    /** It is done and nothing of it runs any more: the registry may forget it. */
    boolean hasEnded();

    void cancel(AbortReason reason);

    /** Waits until it has ended; true if it did within {@code timeout}. */
    boolean awaitEnd(Duration timeout) throws InterruptedException;
  }

  private record RunningJob(Engine job) implements Running {
    @Override
    public long bytesIn() {
      return job.bytesIn();
    }

    @Override
    public long bytesOut() {
      return job.bytesOut();
    }

    @Override
    public boolean isDone() {
      return job.isDone();
    }

    @Override
    public boolean hasEnded() {
      return job.isDone() && job.hasEnded();
    }

    @Override
    public void cancel(AbortReason reason) {
      job.cancel(reason);
    }

    @Override
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
      return job.awaitTermination(timeout);
    }
  }

  private record RunningTransfer(TrackedTransfer transfer) implements Running {
    @Override
    public long bytesIn() {
      return transfer.bytes();
    }

    @Override
    public long bytesOut() {
      return transfer.bytes();
    }

    @Override
    public boolean isDone() {
      return transfer.isDone();
    }

    @Override
    public boolean hasEnded() {
      return transfer.isDone();
    }

    @Override
    public void cancel(AbortReason reason) {
      transfer.cancel(reason);
    }

    @Override
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
      return transfer.awaitClose(timeout);
    }
  }

  /** A running job or transfer, how it is listed, and the last sample of its progress. */
  private static final class Listed {

    private static final long RATE_WINDOW_NANOS = 1_000_000_000L;

    final Running running;
    final long id;
    final String kind;
    final String name;
    final String pipeline;
    final Instant startedAt;
    final long expectedBytes;
    final boolean offloaded;
    final Map<String, String> attributes;
    final long startNanos;
    long sampleNanos;
    long sampleBytes;
    double rate = Double.NaN;

    Listed(
        Running running,
        long id,
        String kind,
        String name,
        String pipeline,
        Instant startedAt,
        long expectedBytes,
        boolean offloaded,
        Map<String, String> attributes,
        long startNanos) {
      this.running = running;
      this.id = id;
      this.kind = kind;
      this.name = name;
      this.pipeline = pipeline;
      this.startedAt = startedAt;
      this.expectedBytes = expectedBytes;
      this.offloaded = offloaded;
      this.attributes = attributes;
      this.startNanos = startNanos;
      this.sampleNanos = startNanos;
    }

    JobStatus status(long now) {
      long bytes = running.bytesIn();
      if (now - sampleNanos >= RATE_WINDOW_NANOS) {
        rate = (bytes - sampleBytes) * 1e9 / (now - sampleNanos);
        sampleNanos = now;
        sampleBytes = bytes;
      }
      double current = Double.isNaN(rate) ? bytes * 1e9 / Math.max(1, now - startNanos) : rate;
      return new JobStatus(
          id,
          kind,
          name,
          pipeline,
          startedAt,
          Duration.ofNanos(now - startNanos),
          bytes,
          running.bytesOut(),
          expectedBytes,
          current,
          offloaded,
          attributes);
    }
  }
}
