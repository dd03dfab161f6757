package dev.sluice.core.job;

import dev.sluice.core.AbortReason;
import dev.sluice.core.CancelledException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Transform;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs one ingestion on two threads of its own: the writer builds the {@linkplain StageChain
 * stages}, starts the {@linkplain ChunkReader reader}, {@linkplain ChunkWriter writes} what the
 * reader pushes into their {@link ChunkPipe} (or {@linkplain FileTransfer transfers} a file without
 * a reader), and ends the sink exactly once. The threads run in a thread-per-task scope that ends
 * when they have; a timeout is one task on the process's shared {@link Timeouts} scheduler.
 *
 * <p>The leading stages that only {@linkplain dev.sluice.core.ObservingSink observe} the bytes (a
 * digest, a limit) run on the reader thread, on each chunk as soon as it is read, while its bytes
 * are in the reader's core's cache (hashed on the writer, every chunk crossed cores twice: read
 * into on one core, hashed on the other, then read into again on the first); the writer writes each
 * chunk to the first stage after them, and commits or aborts the whole chain as always. What the
 * reader writes into those stages the writer reads only after the pipe's hand-off (see {@link
 * ChunkReader}). With an {@linkplain Plan#offload() offload} pool every stage stays on its workers:
 * hashing is the CPU work the pool keeps off the carrier threads.
 *
 * <p>Failures: the first (from either thread, a cancel or the timeout) becomes the root cause in a
 * {@link FirstFailure}, which interrupts both threads so blocked calls return promptly; later
 * failures are attached to it as suppressed. Once the writer has begun to commit it is no longer
 * interrupted, and cancels are refused.
 */
final class Engine implements IngestionJob {

  /** Everything the engine needs to run one ingestion. */
  record Plan(
      Source source,
      List<Transform> transforms,
      Sink sink,
      int chunkSize,
      int window,
      Duration timeout,
      List<IngestionListener> listeners,
      WorkerPool offload,
      SchedulerLag schedulerLag,
      boolean platformThreads,
      MemoryBudget.Reservation memory) {}

  private final long id = JobIds.next();
  private final Plan plan;
  private final long expectedBytes;
  private final String pipeline;
  private final Instant startedAt = Instant.now();
  private final long startNanos = System.nanoTime();
  private final SchedulerLag.Mark lagMark;
  private final CompletableFuture<IngestionReport> result = new CompletableFuture<>();
  private final FirstFailure failures = new FirstFailure(this::interruptThreads);
  private final List<Thread> started = new CopyOnWriteArrayList<>(); // the writer, the reader
  private final ExecutorService threads = Executors.newThreadPerTaskExecutor(threadFactory());
  private final AtomicLong bytesIn = new AtomicLong();
  private final StageChain stages = new StageChain();
  private final ChunkPipe pipe;
  private final ChunkReader chunkReader;
  private final LatencyHistogram latency = new LatencyHistogram();
  private long chunks; // written by the thread running the stages, read once they are done
  private volatile boolean zeroCopy;
  private volatile Thread writer;

  private Engine(Plan plan) {
    this.plan = plan;
    // Source.length() counts what is left to read: take it before the reader starts
    this.expectedBytes = plan.source().length();
    this.lagMark = plan.schedulerLag() == null ? null : plan.schedulerLag().mark();
    this.pipeline = describe(plan);
    this.pipe = new ChunkPipe("chunks of job " + id, plan.window(), wakeAfter(plan));
    this.chunkReader =
        new ChunkReader(
            plan.source(), pipe, plan.chunkSize(), plan.memory(), bytesIn, failures, stages);
  }

  /**
   * How many chunks the reader hands over at once: all but the one it fills next when its source
   * reads promptly (a file), so a faster writer is woken once per window instead of once per chunk;
   * else each as soon as it is read.
   */
  private static int wakeAfter(Plan plan) {
    return plan.source().readsPromptly() ? Math.max(1, plan.window() - 1) : 1;
  }

  /** The pipeline as text, e.g. {@code file(a.bin) → sha256 → file(b.bin)}. */
  static String describe(Plan plan) {
    StringBuilder text = new StringBuilder(plan.source().toString());
    plan.transforms().forEach(t -> text.append(" → ").append(t));
    return text.append(" → ").append(plan.sink()).toString();
  }

  /** Starts {@code plan} on virtual threads, or platform threads if the plan says so. */
  static Engine start(Plan plan) {
    Engine engine = new Engine(plan);
    engine.threads.execute(engine::write);
    return engine;
  }

  /** Names the job's first thread its writer and the second its reader. */
  private ThreadFactory threadFactory() {
    AtomicInteger made = new AtomicInteger();
    return task -> {
      String name = (made.getAndIncrement() == 0 ? "sluice-write-" : "sluice-read-") + id;
      Thread.Builder builder =
          plan.platformThreads()
              ? Thread.ofPlatform().daemon(true).name(name) // ends with the job
              : Thread.ofVirtual().name(name);
      Thread thread = builder.unstarted(task);
      started.add(thread);
      return thread;
    };
  }

  /** The writer thread: the whole job, from building the stages to the report. */
  private void write() {
    writer = Thread.currentThread();
    Future<?> timeout = startTimeout();
    Stage head = null;
    Receipt receipt = null;
    boolean committing = false;
    try {
      listeners(l -> l.onStart(this));
      head = buildStages();
      if (expectedBytes >= 0) {
        head.expectBytes(expectedBytes); // reaches the sink through stages that only observe
      }
      List<Stage> observers = plan.offload() == null ? stages.leadingObservers() : List.of();
      Stage first = observers.isEmpty() ? head : observers.getLast().next();
      ChunkWriter chunkWriter =
          new ChunkWriter(
              pipe, head, first, plan.offload(), failures::hasFailed, this::chunkWritten);
      if (FileTransfer.possible(plan.source(), plan.transforms(), plan.sink())) {
        zeroCopy = true;
        FileTransfer.run(
            plan.source(), plan.sink(), plan.chunkSize(), bytesIn, failures, this::chunkWritten);
      } else {
        chunkReader.start(threads, observers);
        chunkWriter.writeAll();
      }
      committing = failures.beginCommit();
      if (committing) {
        receipt = chunkWriter.commit();
        if (receipt == null) {
          // committed all the same: aborting now would end the sink twice
          receipt = Receipt.of(plan.sink().toString());
        }
      }
    } catch (Throwable t) {
      failures.record(t, stages.classify(t, AbortReason.SINK_FAILED));
      if (committing) {
        head = null; // a failed commit has ended the sink itself
      }
    }
    if (receipt == null && head != null) {
      Thread.interrupted(); // abort must run to completion even if we were interrupted
      head.abort(failures.cause());
    }
    if (timeout != null) {
      timeout.cancel(false);
    }
    chunkReader.closeSource();
    chunkReader.stop();
    threads.shutdown(); // every thread of the job has started: the scope ends once they have
    finish(receipt);
  }

  private Stage buildStages() {
    try {
      return stages.build(plan.transforms(), plan.sink());
    } catch (RuntimeException | Error e) {
      failures.record(e, AbortReason.TRANSFORM_FAILED);
      throw e;
    }
  }

  private Future<?> startTimeout() {
    Duration timeout = plan.timeout();
    return timeout == null
        ? null
        : Timeouts.after(timeout, () -> cancel(AbortReason.TIMEOUT, "timed out after " + timeout));
  }

  private void chunkWritten(int length, long nanos) {
    latency.record(nanos);
    chunks++;
    listeners(l -> l.onChunk(length, nanos));
  }

  /** On the first failure: stops the threads blocked in a call, the committing writer excepted. */
  private void interruptThreads() {
    Thread write = writer;
    if (write != null && write != Thread.currentThread() && !failures.isCommitting()) {
      write.interrupt();
    }
    chunkReader.interrupt();
  }

  @Override
  public boolean cancel(AbortReason reason) {
    if (reason == null) {
      throw new NullPointerException("reason == null");
    }
    return cancel(reason, "cancelled (" + reason + ")");
  }

  private boolean cancel(AbortReason reason, String message) {
    return !result.isDone()
        && failures.cancel(new CancelledException(reason, message + ": " + pipeline), reason);
  }

  private void finish(Receipt receipt) {
    Throwable cause = failures.cause();
    boolean committed = receipt != null && cause == null;
    IngestionReport report =
        new IngestionReport(
            pipeline,
            committed ? Outcome.COMMITTED : Outcome.ABORTED,
            committed ? null : failures.reason(),
            bytesIn.get(),
            bytesOut(),
            chunks,
            Duration.ofNanos(System.nanoTime() - startNanos),
            latency.summary(),
            pipe.maxInFlight(),
            stages.times(),
            stages.digests(),
            committed ? receipt : null,
            lagMark == null ? Latency.NONE : plan.schedulerLag().since(lagMark));
    listeners(l -> l.onEnd(report));
    if (committed) {
      result.complete(report);
    } else {
      result.completeExceptionally(new IngestionException(report, cause));
    }
  }

  private void listeners(Consumer<IngestionListener> call) {
    for (IngestionListener listener : plan.listeners()) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        // a listener must not break the transfer it observes
      }
    }
  }

  /** The plan this job runs. */
  Plan plan() {
    return plan;
  }

  /** True once every thread of this job has ended (not only its future). */
  boolean hasEnded() {
    return threads.isTerminated();
  }

  /**
   * Waits until every thread of this job has ended (not only until its future completed).
   *
   * @return true if they all ended within {@code timeout}
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    if (!threads.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    // the scope ends when the threads' tasks have returned; each thread ends a moment after
    for (Thread thread : started) {
      if (!thread.join(Duration.ofNanos(Math.max(0, end - System.nanoTime())))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public long id() {
    return id;
  }

  @Override
  public String pipeline() {
    return pipeline;
  }

  @Override
  public Instant startedAt() {
    return startedAt;
  }

  @Override
  public long bytesIn() {
    return bytesIn.get();
  }

  @Override
  public long bytesOut() {
    return zeroCopy ? bytesIn.get() : stages.bytesOut(); // a transfer bypasses the stages
  }

  @Override
  public long expectedBytes() {
    return expectedBytes;
  }

  @Override
  public boolean isCancelled() {
    return result.isDone() && failures.cause() instanceof CancelledException;
  }

  @Override
  public boolean isDone() {
    return result.isDone();
  }

  @Override
  public IngestionReport get() throws InterruptedException, ExecutionException {
    return result.get();
  }

  @Override
  public IngestionReport get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    return result.get(timeout, unit);
  }

  @Override
  public String toString() {
    return "job " + id + ": " + pipeline;
  }
}
