package dev.sluice.core.job;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A job's source side: its reader thread fills chunks from the source and pushes them into the pipe
 * to the writer, and the source is closed exactly once, by whichever side ends first. The reader
 * brings a new chunk (from the job's memory reservation, or the shared pool without one) only while
 * the pipe has fewer than its capacity going round, so a job never holds more than {@code window}
 * chunks. {@link #start} and {@link #stop} are the writer's; {@link #interrupt} and {@link
 * #closeSource} any thread's.
 *
 * <p>The reader may also run the leading stages that only observe (a digest, a limit): it
 * {@linkplain Stage#observe observes} each chunk with them as soon as it is read, while its bytes
 * are in this core's cache, and only then pushes it. What it writes into those stages the writer
 * reads only after the pipe's hand-off: a chunk after its push (the writer's take), their state at
 * the end after the pipe's close (the take that sees the end, before the writer commits), their
 * figures after {@link #stop}. A failure they throw is classified by the stage it came from, as on
 * the writer.
 */
final class ChunkReader {

  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private final Source source;
  private final ChunkPipe pipe;
  private final int chunkSize;
  private final MemoryBudget.Reservation memory;
  private final AtomicLong bytesIn;
  private final FirstFailure failures;
  private final StageChain stages;
  private final AtomicBoolean sourceClosed = new AtomicBoolean();
  private final List<ByteBuffer> allocated = new ArrayList<>(); // the reader thread's
  private volatile Thread thread;
  private Future<?> reading; // the writer's

  ChunkReader(
      Source source,
      ChunkPipe pipe,
      int chunkSize,
      MemoryBudget.Reservation memory,
      AtomicLong bytesIn,
      FirstFailure failures,
      StageChain stages) {
    this.source = source;
    this.pipe = pipe;
    this.chunkSize = chunkSize;
    this.memory = memory;
    this.bytesIn = bytesIn;
    this.failures = failures;
    this.stages = stages;
  }

  /**
   * Starts the reader thread in {@code threads}, unless the job already failed; it observes each
   * chunk with {@code observers} (leading stages of the job that {@linkplain Stage#observesOnly()
   * only observe}) before pushing it.
   */
  void start(ExecutorService threads, List<Stage> observers) {
    if (failures.hasFailed()) {
      pipe.close(); // nothing to read: the writer sees the end at once
      return;
    }
    reading = threads.submit(() -> run(observers));
  }

  /** The reader thread: the source into the pipe, which it closes however it ends. */
  private void run(List<Stage> observers) {
    thread = Thread.currentThread();
    try {
      if (!failures.hasFailed()) { // else it failed before this thread could be interrupted
        readAll(observers);
        closeSource();
      }
    } catch (Throwable t) {
      // a read failing after the writer closed the source to stop the job is no news
      if (!(failures.hasFailed() && sourceClosed.get())) {
        failures.record(t, stages.classify(t, AbortReason.SOURCE_FAILED));
      }
    } finally {
      pipe.close();
    }
  }

  private void readAll(List<Stage> observers) throws IOException {
    while (true) {
      ByteBuffer chunk = pipe.claim();
      if (chunk == null) {
        chunk = allocate().clear();
        allocated.add(chunk);
      }
      int n = source.read(chunk);
      if (n == 0) {
        throw new IOException("source returned 0 bytes into a buffer with room: " + source);
      }
      if (n < 0) {
        return;
      }
      bytesIn.addAndGet(n);
      chunk.flip();
      for (Stage observer : observers) {
        observer.observe(chunk);
      }
      pipe.push(chunk);
    }
  }

  private ByteBuffer allocate() throws IOException {
    return memory == null ? BufferPool.acquire(chunkSize) : memory.take(chunkSize);
  }

  /** Interrupts the reader thread if it runs and is not the caller. */
  void interrupt() {
    Thread reader = thread;
    if (reader != null && reader != Thread.currentThread()) {
      reader.interrupt();
    }
  }

  /** Closes the source unless it was; a failure to close is the job's. */
  void closeSource() {
    if (!sourceClosed.compareAndSet(false, true)) {
      return;
    }
    try {
      source.close();
    } catch (Throwable t) {
      failures.record(t, AbortReason.SOURCE_FAILED);
    }
  }

  /**
   * Interrupts the reader and waits for it (a while: a source may ignore both the interrupt and the
   * close), then gives its chunks back to where they came from.
   */
  void stop() {
    if (reading == null) {
      return;
    }
    interrupt();
    try {
      reading.get(STOP_WAIT.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // run() catches everything; a reader still blocked keeps its chunks
    }
    if (reading.isDone()) {
      for (ByteBuffer chunk : allocated) {
        if (memory == null) {
          BufferPool.release(chunk);
        } else {
          memory.give(chunk);
        }
      }
      allocated.clear();
    }
  }
}
