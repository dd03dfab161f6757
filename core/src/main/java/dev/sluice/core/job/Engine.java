package dev.sluice.core.job;

import dev.sluice.core.AbortCause;
import dev.sluice.core.AbortReason;
import dev.sluice.core.CancelledException;
import dev.sluice.core.DigestReporter;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Transform;
import dev.sluice.core.file.FileChannelSource;
import dev.sluice.core.file.TransferTarget;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one ingestion: a reader thread fills at most {@code window} pooled chunks from the source, a
 * writer thread pushes them through the stages and ends the sink exactly once.
 *
 * <p>Failure handling: the first failure (from either thread, a cancel or the timeout) becomes the
 * root cause; both threads are interrupted so blocked calls return promptly; later failures are
 * attached to the root cause as suppressed. The writer alone ends the sink, and once it has begun
 * to commit it is no longer interrupted.
 */
final class Engine implements IngestionJob {

  /** Everything the engine needs to run one ingestion. */
  public record Plan(
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

  private static final Object END = new Object();
  private static final long TRANSFER_SLICE = 8L << 20;
  private static final long OFFLOAD_RUN_BYTES = 4L << 20;
  private static final long READER_GRACE_NANOS = 1_000_000L;

  private final long id = JobIds.next();
  private final Plan plan;
  private final long expectedBytes;
  private final String pipeline;
  private final Instant startedAt = Instant.now();
  private final long startNanos = System.nanoTime();
  private final CompletableFuture<IngestionReport> result = new CompletableFuture<>();
  private final Map<Throwable, Stage> origins = Stage.newOriginMap();
  private final LatencyHistogram latency = new LatencyHistogram();
  private final AtomicBoolean sourceClosed = new AtomicBoolean();
  private final AtomicLong bytesIn = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  private final Object lock = new Object();
  private Throwable rootCause; // guarded by lock
  private AbortReason abortReason; // guarded by lock
  private boolean committing; // guarded by lock
  private Thread reader; // guarded by lock
  private Thread writer; // guarded by lock
  private Thread timer; // guarded by lock

  private List<Stage> stages = List.of();
  private long chunks;

  private final SchedulerLag.Mark lagMark;

  private Engine(Plan plan) {
    this.plan = plan;
    // Source.length() counts what is left to read: take it before the reader starts
    this.expectedBytes = plan.source().length();
    this.lagMark = plan.schedulerLag() == null ? null : plan.schedulerLag().mark();
    this.filled = new ArrayBlockingQueue<>(plan.window() + 1);
    this.free = new ArrayBlockingQueue<>(plan.window());
    this.pipeline = describe(plan);
  }

  /** The pipeline as text, e.g. {@code file(a.bin) → sha256 → file(b.bin)}. */
  public static String describe(Plan plan) {
    StringBuilder text = new StringBuilder(plan.source().toString());
    plan.transforms().forEach(t -> text.append(" → ").append(t));
    return text.append(" → ").append(plan.sink()).toString();
  }

  /** Starts {@code plan} on virtual threads, or platform threads if the plan says so. */
  public static Engine start(Plan plan) {
    Engine engine = new Engine(plan);
    synchronized (engine.lock) {
      engine.writer = engine.thread("sluice-write-").unstarted(engine::writeLoop);
      engine.writer.start();
    }
    return engine;
  }

  /** A builder for this job's reader or writer thread: daemon platform threads end with the job. */
  private Thread.Builder thread(String namePrefix) {
    String name = namePrefix + id;
    return plan.platformThreads()
        ? Thread.ofPlatform().daemon(true).name(name)
        : Thread.ofVirtual().name(name);
  }

  // ---- writer: builds the stages, writes chunks, ends the sink -------------------------------

  private void writeLoop() {
    startTimer();
    Sink head = null;
    Receipt receipt = null;
    boolean willCommit = false; // the writer's copy of committing (only the writer sets it)
    try {
      listeners(l -> l.onStart(this));
      head = offloaded(buildStages());
      if (zeroCopyPossible()) {
        zeroCopy = true;
        transferLoop(head);
      } else {
        startReader();
        chunkLoop(head);
      }
      synchronized (lock) {
        committing = rootCause == null;
        willCommit = committing;
      }
      if (willCommit) {
        receipt = head.commit();
        if (receipt == null) {
          // committed all the same: aborting now would end the sink twice
          receipt = Receipt.of(plan.sink().toString());
        }
      }
    } catch (Throwable t) {
      fail(t, classify(t));
      if (willCommit) {
        head = null; // a failed commit has ended the sink itself
      }
    }
    if (receipt == null) {
      abortStages(head);
    }
    stopTimer();
    closeSource();
    joinReader();
    finish(receipt);
  }

  private Stage buildStages() {
    List<Stage> built = new ArrayList<>();
    Stage next = Stage.terminal(plan.sink(), origins);
    built.add(next);
    List<Transform> transforms = plan.transforms();
    try {
      for (int i = transforms.size() - 1; i >= 0; i--) {
        Transform transform = transforms.get(i);
        next = Stage.transform(transform.apply(next), transform.toString(), next, origins);
        built.add(0, next);
      }
    } catch (RuntimeException | Error e) {
      // a transform that cannot be applied still leaves a sink that must end: abort what exists
      fail(e, AbortReason.TRANSFORM_FAILED);
      next.abort(e);
      throw e;
    } finally {
      stages = List.copyOf(built);
    }
    return next;
  }

  /** The stages as the writer sees them: run on the plan's worker pool, if it has one. */
  private Sink offloaded(Stage head) {
    return plan.offload() == null ? head : new OffloadedSink(head, plan.offload());
  }

  private boolean zeroCopyPossible() {
    return plan.transforms().isEmpty()
        && plan.source() instanceof FileChannelSource
        && plan.sink() instanceof TransferTarget;
  }

  private void chunkLoop(Sink head) throws Exception {
    if (plan.offload() != null) {
      offloadedChunkLoop(plan.offload());
      return;
    }
    while (true) {
      Object item = filled.take();
      if (item == END || !writeChunk(head, (ByteBuffer) item)) {
        return;
      }
    }
  }

  /**
   * Writes one chunk through {@code head} and gives it back to the reader; false if the job is
   * stopping and the chunk was given back unwritten.
   */
  private boolean writeChunk(Sink head, ByteBuffer chunk) throws IOException {
    if (stopping()) { // failed or cancelled from this thread (e.g. by a listener): no interrupt
      // came
      inFlight.decrementAndGet();
      free.offer(chunk);
      return false;
    }
    int length = chunk.remaining();
    long start = System.nanoTime();
    try {
      head.write(chunk);
    } finally {
      inFlight.decrementAndGet();
      free.offer(chunk);
    }
    long nanos = System.nanoTime() - start;
    latency.record(nanos);
    chunks++;
    listeners(l -> l.onChunk(length, nanos));
    return true;
  }

  /**
   * The chunk loop with the stages on a worker: the writer waits for a filled chunk, then hands the
   * worker a run of chunks rather than one. The worker writes the chunk, then keeps taking the
   * chunks the reader has filled meanwhile, without waiting, until none is ready or the run reaches
   * {@link #OFFLOAD_RUN_BYTES} (so jobs sharing the pool take turns). One hand-off per run instead
   * of two thread wake-ups per chunk, and a job's deflater and digest state stay on one worker's
   * core for the run. The worker is the only thread writing meanwhile, so order, the window and
   * giving chunks back after {@code write} are as inline.
   */
  private void offloadedChunkLoop(WorkerPool pool) throws Exception {
    Stage head = stages.get(0);
    while (true) {
      Object item = filled.take();
      if (item == END) {
        return;
      }
      ByteBuffer first = (ByteBuffer) item;
      boolean[] started = {false};
      boolean more;
      try {
        more =
            pool.run(
                () -> {
                  started[0] = true;
                  return writeRun(pool, head, first);
                });
      } finally {
        if (!started[0]) { // withdrawn before a worker took it: the chunk is still ours
          inFlight.decrementAndGet();
          free.offer(first);
        }
      }
      if (!more) {
        return;
      }
    }
  }

  /**
   * On a worker: writes {@code first} and the chunks ready after it; false once the job ends. When
   * the next chunk is not filled yet and no other work waits for a worker, it waits up to {@link
   * #READER_GRACE_NANOS} for it: the reader (a virtual thread, woken when the worker gave a chunk
   * back) is usually a moment behind, and ending the run there costs two hand-offs and moves the
   * job's state to whichever worker takes its next run.
   */
  private boolean writeRun(WorkerPool pool, Sink head, ByteBuffer first) throws IOException {
    long budget = OFFLOAD_RUN_BYTES - first.remaining();
    if (!writeChunk(head, first)) {
      return false;
    }
    while (budget > 0) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted between chunks on a worker");
      }
      Object item = filled.poll();
      if (item == null && !pool.hasWaitingWork()) {
        item = pollBriefly();
      }
      if (item == null) {
        return true; // the reader is behind: the writer waits for it, not the worker
      }
      if (item == END) {
        return false;
      }
      ByteBuffer chunk = (ByteBuffer) item;
      budget -= chunk.remaining();
      if (!writeChunk(head, chunk)) {
        return false;
      }
    }
    return true;
  }

  private Object pollBriefly() throws InterruptedIOException {
    try {
      return filled.poll(READER_GRACE_NANOS, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for the reader on a worker");
    }
  }

  private void transferLoop(Sink head) throws IOException {
    FileChannelSource source = (FileChannelSource) plan.source();
    TransferTarget target = (TransferTarget) plan.sink();
    long slice = Math.max(plan.chunkSize(), TRANSFER_SLICE);
    while (source.position() < source.end()) {
      if (Thread.interrupted()) {
        throw new InterruptedIOException("transfer interrupted");
      }
      if (stopping()) {
        return; // as in chunkLoop
      }
      long start = System.nanoTime();
      long count = Math.min(slice, source.end() - source.position());
      long moved = target.transferFrom(source.channel(), source.position(), count);
      if (moved <= 0) {
        IOException shrank = source.shrank(source.position());
        fail(shrank, AbortReason.SOURCE_FAILED);
        throw shrank;
      }
      source.advance(moved);
      bytesIn.addAndGet(moved);
      long nanos = System.nanoTime() - start;
      latency.record(nanos);
      chunks++;
      listeners(l -> l.onChunk((int) moved, nanos));
    }
  }

  private boolean stopping() {
    synchronized (lock) {
      return rootCause != null;
    }
  }

  private volatile boolean zeroCopy;

  private void abortStages(Sink head) {
    if (head == null) {
      return;
    }
    Thread.interrupted(); // abort must run to completion even if we were interrupted
    Throwable cause;
    synchronized (lock) {
      cause = rootCause;
    }
    head.abort(cause);
  }

  // ---- reader ---------------------------------------------------------------------------------

  private final BlockingQueue<Object> filled;
  private final BlockingQueue<ByteBuffer> free;
  private final List<ByteBuffer> allocated = new ArrayList<>();

  private void startReader() {
    synchronized (lock) {
      if (rootCause != null) {
        return;
      }
      reader = thread("sluice-read-").unstarted(this::readLoop);
      reader.start();
    }
  }

  private void readLoop() {
    try {
      Source source = plan.source();
      while (true) {
        ByteBuffer chunk = nextFreeChunk();
        int n = source.read(chunk);
        if (n == 0) {
          free.offer(chunk);
          throw new IOException("source returned 0 bytes into a buffer with room: " + source);
        }
        if (n < 0) {
          free.offer(chunk);
          break;
        }
        chunk.flip();
        bytesIn.addAndGet(n);
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        filled.put(chunk);
      }
      closeSource();
    } catch (Throwable t) {
      if (!closedWhileStopping()) {
        fail(t, classifySource(t));
      }
    } finally {
      filled.offer(END); // room is guaranteed: at most window chunks plus this marker
    }
  }

  /**
   * True once the writer has closed the source to stop the job: a read failing after that (a closed
   * channel, say) is a consequence of the stop, not news for the caller.
   */
  private boolean closedWhileStopping() {
    synchronized (lock) {
      return rootCause != null && sourceClosed.get();
    }
  }

  /** A cleared chunk; allocates until {@code window} exist, then waits for the writer. */
  private ByteBuffer nextFreeChunk() throws InterruptedException, IOException {
    ByteBuffer chunk = free.poll();
    if (chunk == null) {
      synchronized (allocated) {
        if (allocated.size() < plan.window()) {
          chunk = allocate();
          allocated.add(chunk);
        }
      }
      if (chunk == null) {
        chunk = free.take();
      }
    }
    return chunk.clear();
  }

  /** A chunk from the plan's memory reservation, or from the shared pool when it has none. */
  private ByteBuffer allocate() throws IOException {
    MemoryBudget.Reservation memory = plan.memory();
    return memory == null ? BufferPool.acquire(plan.chunkSize()) : memory.take(plan.chunkSize());
  }

  private void release(ByteBuffer chunk) {
    MemoryBudget.Reservation memory = plan.memory();
    if (memory == null) {
      BufferPool.release(chunk);
    } else {
      memory.give(chunk);
    }
  }

  private void joinReader() {
    Thread thread;
    synchronized (lock) {
      thread = reader;
    }
    if (thread == null) {
      return;
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!thread.isAlive()) {
      synchronized (allocated) {
        allocated.forEach(this::release);
        allocated.clear();
      }
    }
  }

  private void closeSource() {
    if (!sourceClosed.compareAndSet(false, true)) {
      return;
    }
    try {
      plan.source().close();
    } catch (Throwable t) {
      fail(t, AbortReason.SOURCE_FAILED);
    }
  }

  // ---- failures ---------------------------------------------------------------------------------

  /** Records a failure: the first one becomes the root cause and stops both threads. */
  private void fail(Throwable failure, AbortReason reason) {
    synchronized (lock) {
      if (rootCause == null) {
        rootCause = failure;
        abortReason = reason;
        if (!committing && writer != null && writer != Thread.currentThread()) {
          writer.interrupt();
        }
        if (reader != null && reader != Thread.currentThread()) {
          reader.interrupt();
        }
      } else if (failure != rootCause && !isInterruption(failure) && !isSuppressed(failure)) {
        rootCause.addSuppressed(failure);
      }
    }
  }

  /** An interruption after the root cause is our own doing (we interrupt to stop), not news. */
  private static boolean isInterruption(Throwable failure) {
    return failure instanceof InterruptedException
        || failure instanceof InterruptedIOException
        || failure instanceof java.nio.channels.ClosedByInterruptException;
  }

  private boolean isSuppressed(Throwable failure) {
    for (Throwable t : rootCause.getSuppressed()) {
      if (t == failure) {
        return true;
      }
    }
    return false;
  }

  private static AbortReason classifySource(Throwable t) {
    return t instanceof AbortCause c ? c.reason() : AbortReason.SOURCE_FAILED;
  }

  private AbortReason classify(Throwable t) {
    if (t instanceof AbortCause c) {
      return c.reason();
    }
    Stage origin = origins.get(t);
    if (origin == null) {
      return AbortReason.SINK_FAILED;
    }
    return origin.isTerminal() ? AbortReason.SINK_FAILED : AbortReason.TRANSFORM_FAILED;
  }

  // ---- timeout and cancellation -----------------------------------------------------------------

  private void startTimer() {
    Duration timeout = plan.timeout();
    if (timeout == null) {
      return;
    }
    synchronized (lock) {
      timer =
          Thread.ofVirtual()
              .name("sluice-timeout-" + id)
              .start(
                  () -> {
                    try {
                      Thread.sleep(timeout);
                      cancel(AbortReason.TIMEOUT, "timed out after " + timeout);
                    } catch (InterruptedException ended) {
                      // the job ended first
                    }
                  });
    }
  }

  /**
   * Stops the timer and waits for it, so that no thread of this job outlives the writer. An
   * interrupt meanwhile is the engine's own stop signal, already acted on: it is not kept.
   */
  private void stopTimer() {
    Thread thread;
    synchronized (lock) {
      thread = timer;
    }
    if (thread == null) {
      return;
    }
    thread.interrupt();
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        // keep waiting: the timer ends promptly once interrupted
      }
    }
  }

  @Override
  public boolean cancel(AbortReason reason) {
    if (reason == null) {
      throw new NullPointerException("reason == null");
    }
    return cancel(reason, "cancelled (" + reason + ")");
  }

  private boolean cancel(AbortReason reason, String message) {
    synchronized (lock) {
      if (rootCause != null || committing || result.isDone()) {
        return false;
      }
      fail(new CancelledException(reason, message + ": " + pipeline), reason);
      return true;
    }
  }

  // ---- the end
  // ------------------------------------------------------------------------------------

  private void finish(Receipt receipt) {
    Throwable cause;
    AbortReason reason;
    synchronized (lock) {
      cause = rootCause;
      reason = abortReason;
    }
    boolean committed = receipt != null && cause == null;
    Map<String, Duration> stageTimes = new LinkedHashMap<>();
    Map<String, String> digests = new LinkedHashMap<>();
    long bytesOut = zeroCopy ? bytesIn.get() : 0; // a transfer bypasses the stages' counters
    for (Stage stage : stages) {
      stageTimes.merge(stage.name(), Duration.ofNanos(stage.exclusiveNanos()), Duration::plus);
      if (stage.inner() instanceof DigestReporter digest && digest.hexDigest() != null) {
        digests.put(digest.algorithm(), digest.hexDigest());
      }
      if (stage.isTerminal() && !zeroCopy) {
        bytesOut = stage.bytes();
      }
    }
    IngestionReport report =
        new IngestionReport(
            pipeline,
            committed ? Outcome.COMMITTED : Outcome.ABORTED,
            committed ? null : reason,
            bytesIn.get(),
            bytesOut,
            chunks,
            Duration.ofNanos(System.nanoTime() - startNanos),
            latency.summary(),
            maxInFlight.get(),
            stageTimes,
            digests,
            committed ? receipt : null,
            lagMark == null ? Latency.NONE : plan.schedulerLag().since(lagMark));
    listeners(l -> l.onEnd(report));
    if (committed) {
      result.complete(report);
    } else {
      result.completeExceptionally(new IngestionException(report, cause));
    }
  }

  private void listeners(java.util.function.Consumer<IngestionListener> call) {
    for (IngestionListener listener : plan.listeners()) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        // a listener must not break the transfer it observes
      }
    }
  }

  // ---- threads ----------------------------------------------------------------------------------

  /** The plan this job runs. */
  public Plan plan() {
    return plan;
  }

  /** How many of this job's threads (writer, reader, timer) are still alive. */
  public int liveThreads() {
    int alive = 0;
    synchronized (lock) {
      for (Thread thread : new Thread[] {writer, reader, timer}) {
        if (thread != null && thread.isAlive()) {
          alive++;
        }
      }
    }
    return alive;
  }

  /**
   * Waits until every thread of this job has terminated (not only until its future completed).
   *
   * @return true if they all terminated within {@code timeout}
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Thread first;
    synchronized (lock) {
      first = writer;
    }
    if (!join(first, deadline)) {
      return false;
    }
    Thread[] rest;
    synchronized (lock) {
      rest = new Thread[] {reader, timer}; // the writer started them; it has ended
    }
    return join(rest[0], deadline) && join(rest[1], deadline);
  }

  private static boolean join(Thread thread, long deadline) throws InterruptedException {
    if (thread == null) {
      return true;
    }
    long left = Math.max(0, deadline - System.nanoTime());
    return thread.join(Duration.ofNanos(left));
  }

  // ---- IngestionJob
  // ---------------------------------------------------------------------------------

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
    if (zeroCopy) {
      return bytesIn.get();
    }
    List<Stage> current = stages;
    return current.isEmpty() ? 0 : current.get(current.size() - 1).bytes();
  }

  @Override
  public long expectedBytes() {
    return expectedBytes;
  }

  @Override
  public boolean isCancelled() {
    synchronized (lock) {
      return result.isDone() && abortReason != null && rootCause instanceof CancelledException;
    }
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
