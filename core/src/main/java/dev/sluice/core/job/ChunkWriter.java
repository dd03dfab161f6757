package dev.sluice.core.job;

import dev.sluice.core.Receipt;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * A job's writer: takes the chunks from the pipe, writes each through the stages in order (from the
 * first stage the reader did not {@linkplain Stage#observe observe} with) and releases it back to
 * the reader, then commits the whole chain. With a {@link WorkerPool} the stages run on its
 * workers, the calling thread parking meanwhile; without one they run on the calling thread. Either
 * way the stages see one call at a time, in order, and never hold a chunk after {@code write}.
 *
 * <p>Chunks are written in runs: after the chunk it waited for, the writer keeps taking the chunks
 * the reader has filled meanwhile. On a worker a run lasts while it has chunks and no other work
 * waits for a worker: it yields once it has written {@link #RUN_BYTES} and work waits (so jobs
 * sharing a pool take turns), and when the reader is behind it waits up to {@link
 * #READER_GRACE_NANOS} for the next chunk, giving the worker up as soon as other work waits. That
 * is one hand-off per run instead of two thread wake-ups per chunk (the writer's virtual thread's
 * and a worker's: runs that ended early left an upload's cores idle a third of the time), and a
 * job's deflater and digest state stay on one core for the run.
 */
final class ChunkWriter {

  /** Called after each chunk the stages accepted, with its length and the time they took. */
  interface Progress {
    void chunkWritten(int length, long nanos);
  }

  /** Bytes a run writes before it gives its worker up to other work waiting for one. */
  static final long RUN_BYTES = 4L << 20;

  /**
   * How long a run on a worker waits for the reader's next chunk when no other work waits: a
   * network reader is often a few milliseconds behind (docs/benchmarks.md, "Upload runs").
   */
  private static final long READER_GRACE_NANOS = 10_000_000L;

  /** How often a run waiting for the reader looks for other work waiting for a worker. */
  private static final long GRACE_SLICE_NANOS = 1_000_000L;

  private final ChunkPipe pipe;
  private final Stage head;
  private final Stage first;
  private final WorkerPool pool;
  private final BooleanSupplier stopping;
  private final Progress progress;

  /**
   * Writes from {@code pipe} into {@code first} ({@code head}, or the stage after those the reader
   * observed with) and commits {@code head}, on {@code pool} unless it is null; stops at the next
   * chunk once {@code stopping} says so.
   */
  ChunkWriter(
      ChunkPipe pipe,
      Stage head,
      Stage first,
      WorkerPool pool,
      BooleanSupplier stopping,
      Progress progress) {
    this.pipe = pipe;
    this.head = head;
    this.first = first;
    this.pool = pool;
    this.stopping = stopping;
    this.progress = progress;
  }

  /** Writes every chunk until the reader ends the pipe or the job stops. */
  void writeAll() throws IOException {
    ByteBuffer first;
    while ((first = pipe.take()) != null) {
      if (!writeRunFrom(first)) {
        return;
      }
    }
  }

  /** Commits the stages, on the pool if there is one. */
  Receipt commit() throws IOException {
    return pool == null ? head.commit() : pool.run(head::commit);
  }

  /** Writes a run starting with {@code first}; false once the job stops. */
  private boolean writeRunFrom(ByteBuffer first) throws IOException {
    if (pool == null) {
      return writeRun(first);
    }
    boolean[] started = {false};
    try {
      return pool.run(
          () -> {
            started[0] = true;
            return writeRun(first);
          });
    } finally {
      if (!started[0]) { // withdrawn before a worker took it: the chunk is still ours
        pipe.release(first);
      }
    }
  }

  /**
   * Writes {@code first} and the chunks ready after it; on a worker also those the reader fills
   * within {@link #READER_GRACE_NANOS}, until other work waits for a worker (see the class
   * comment).
   */
  private boolean writeRun(ByteBuffer first) throws IOException {
    long budget = RUN_BYTES;
    ByteBuffer chunk = first;
    while (true) {
      budget -= chunk.remaining();
      if (!write(chunk)) {
        return false;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("interrupted between chunks");
      }
      if (pool == null) {
        chunk = pipe.poll();
      } else if (budget <= 0 && pool.hasWaitingWork()) {
        return true; // the job's turn is over: its next take starts another run
      } else {
        chunk = awaitReader();
      }
      if (chunk == null) {
        return true; // the reader is behind (or done): the next take waits for it
      }
    }
  }

  /**
   * The reader's next chunk, waiting for it up to {@link #READER_GRACE_NANOS} while no other work
   * waits for a worker; null if none came, other work waits, or the reader ended the pipe.
   */
  private ByteBuffer awaitReader() throws IOException {
    ByteBuffer chunk = pipe.poll();
    long deadline = System.nanoTime() + READER_GRACE_NANOS;
    while (chunk == null && !pool.hasWaitingWork() && !pipe.isClosed()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      chunk = pipe.poll(Math.min(left, GRACE_SLICE_NANOS));
    }
    return chunk;
  }

  /**
   * Writes one chunk and releases it; false if the job is stopping and it was released unwritten.
   */
  private boolean write(ByteBuffer chunk) throws IOException {
    if (stopping.getAsBoolean()) { // failed or cancelled from this thread: no interrupt came
      pipe.release(chunk);
      return false;
    }
    int length = chunk.remaining();
    long start = System.nanoTime();
    try {
      first.write(chunk);
    } finally {
      pipe.release(chunk);
    }
    progress.chunkWritten(length, System.nanoTime() - start);
    return true;
  }
}
