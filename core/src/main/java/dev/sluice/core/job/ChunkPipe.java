package dev.sluice.core.job;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands byte chunks from one writer thread that pushes them to one reader thread that pulls them,
 * with at most {@code capacity} chunks between the two: the writer blocks while the reader is
 * behind, the reader blocks while the writer is, and either side can stop the other. The model is
 * Okio's {@code Pipe}, with chunks that change hands instead of bytes that are copied.
 *
 * <p>The chunks go round: the writer {@linkplain #claim() claims} an empty chunk, fills it and
 * {@linkplain #push pushes} it; the reader {@linkplain #take() takes} it, uses it and {@linkplain
 * #release releases} it, which makes it the writer's next claim. {@code claim} answers {@code null}
 * while fewer than {@code capacity} chunks go round, and the writer then brings a new one, so at
 * most {@code capacity} chunks ever exist. A writer handing over buffers it does not own (a
 * parser's slice) uses a pipe of capacity 1: it pushes the buffer, then claims it back, which waits
 * until the reader has used it all.
 *
 * <p>Ending: the writer {@linkplain #close() closes} (the reader sees the end after the chunks
 * already pushed) or {@linkplain #fail fails} (the reader's next call throws, pushed chunks are
 * dropped); the reader {@linkplain #cancel cancels} when it stops reading, and the writer's next
 * call throws. A blocked call also ends, with {@link InterruptedIOException}, when its thread is
 * interrupted.
 *
 * <p>A pipe may {@linkplain #ChunkPipe(String, int, int) wake its reader in batches}: a push then
 * wakes a reader waiting for chunks only once that many wait, or when the writer itself is about to
 * wait, closes or fails. For a writer whose chunks follow each other promptly (a file), so that a
 * reader faster than it is woken once per batch instead of once per chunk.
 *
 * <p>Thread-safe for one writer and one reader thread; {@link #close}, {@link #fail} and {@link
 * #cancel} may come from any thread.
 */
public final class ChunkPipe {

  private final String name;
  private final int capacity;
  private final int wakeAfter;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<ByteBuffer> pushed = new ArrayDeque<>(); // guarded by lock
  private final ArrayDeque<ByteBuffer> released = new ArrayDeque<>(); // guarded by lock
  private int inFlight; // pushed and not yet released; guarded by lock
  private int maxInFlight; // guarded by lock
  private boolean closed; // guarded by lock
  private Throwable writerFailure; // guarded by lock
  private volatile Throwable readerStop; // written holding lock
  private ByteBuffer reading; // the chunk read() copies from: the reader's alone

  /**
   * A pipe named {@code name} in its errors (e.g. {@code "part 'a.bin' of POST /objects"}) that
   * holds at most {@code capacity} chunks.
   */
  public ChunkPipe(String name, int capacity) {
    this(name, capacity, 1);
  }

  /**
   * A pipe like {@link #ChunkPipe(String, int)} whose pushes wake a reader waiting for chunks once
   * {@code wakeAfter} chunks wait for it (at most {@code capacity}), or the writer waits, closes or
   * fails. Only for a writer that never waits long between pushes: chunks pushed before such a wait
   * reach the reader late.
   */
  public ChunkPipe(String name, int capacity, int wakeAfter) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be > 0: " + capacity);
    }
    if (wakeAfter <= 0 || wakeAfter > capacity) {
      throw new IllegalArgumentException(
          "wakeAfter must be within 1.." + capacity + ": " + wakeAfter);
    }
    this.name = name;
    this.capacity = capacity;
    this.wakeAfter = wakeAfter;
  }

  // the writer's side

  /**
   * Waits until the writer may fill a chunk: returns one the reader released (cleared), or {@code
   * null} at once while fewer than {@code capacity} chunks go round, and the writer then pushes a
   * new one.
   *
   * @throws IOException if the reader cancelled (the cause is the reader's), or on an interrupt
   */
  public ByteBuffer claim() throws IOException {
    lock.lock();
    try {
      while (true) {
        throwIfCancelled();
        ByteBuffer chunk = released.poll();
        if (chunk != null) {
          return chunk.clear();
        }
        if (inFlight < capacity) {
          return null;
        }
        awaitRoom();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Hands {@code chunk}'s remaining bytes to the reader, who owns the chunk until it releases it.
   * Waits while {@code capacity} chunks are in flight, which never happens after a {@link #claim}.
   *
   * @throws IOException if the reader cancelled (the cause is the reader's), or on an interrupt
   * @throws IllegalStateException if the writer already closed or failed the pipe
   */
  public void push(ByteBuffer chunk) throws IOException {
    lock.lock();
    try {
      if (closed || writerFailure != null) {
        throw new IllegalStateException(name + ": push after the writer ended");
      }
      while (true) {
        throwIfCancelled();
        if (inFlight < capacity) {
          break;
        }
        awaitRoom();
      }
      pushed.add(chunk);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (pushed.size() >= wakeAfter) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Ends the stream: the reader takes what was pushed, then sees the end. Never blocks. */
  public void close() {
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the stream as failed: the reader's next call throws an {@link IOException} caused by
   * {@code cause}, and the chunks not yet taken are dropped. Never blocks.
   */
  public void fail(Throwable cause) {
    lock.lock();
    try {
      if (writerFailure == null) {
        writerFailure = cause;
        dropPushed();
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  // the reader's side

  /**
   * Waits for the next chunk, in the order pushed; {@code null} once the writer closed and every
   * chunk was taken.
   *
   * @throws IOException if the writer failed (the cause is the writer's), the reader cancelled, or
   *     on an interrupt
   */
  public ByteBuffer take() throws IOException {
    lock.lock();
    try {
      while (true) {
        ByteBuffer chunk = next();
        if (chunk != null || closed) {
          return chunk;
        }
        await("waiting for the writer of " + name);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next chunk if one was pushed, else {@code null} at once (whether the stream ended or not).
   */
  public ByteBuffer poll() throws IOException {
    lock.lock();
    try {
      return next();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next chunk, waiting up to {@code nanos} for one; {@code null} if none came (or the end).
   */
  public ByteBuffer poll(long nanos) throws IOException {
    lock.lock();
    try {
      long left = nanos;
      while (true) {
        ByteBuffer chunk = next();
        if (chunk != null || closed || left <= 0) {
          return chunk;
        }
        left = changed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      throw interrupted("waiting for the writer of " + name);
    } finally {
      lock.unlock();
    }
  }

  /** Gives a taken chunk back: it becomes the writer's next {@link #claim}. */
  public void release(ByteBuffer chunk) {
    lock.lock();
    try {
      inFlight--;
      released.add(chunk);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies the next pushed bytes into {@code into}, releasing each chunk once it is copied: the
   * reader's side as a {@code read} call, for a {@link dev.sluice.core.Source} or an {@code
   * InputStream}. Copies from one chunk at most.
   *
   * @return the number of bytes copied, or -1 at the end
   * @throws IOException as {@link #take()}
   */
  public int read(ByteBuffer into) throws IOException {
    if (!into.hasRemaining()) {
      return 0;
    }
    Throwable stopped = readerStop;
    if (stopped != null) {
      throw new IOException(name + " is closed", stopped);
    }
    if (reading == null) {
      reading = take();
      if (reading == null) {
        return -1;
      }
    }
    int n = Math.min(reading.remaining(), into.remaining());
    int limit = reading.limit();
    reading.limit(reading.position() + n);
    into.put(reading);
    reading.limit(limit);
    if (!reading.hasRemaining()) {
      ByteBuffer used = reading;
      reading = null;
      release(used);
    }
    return n;
  }

  /**
   * Stops reading: the writer's next (or blocked) call throws an {@link IOException} caused by
   * {@code cause}, and so do the reader's own later calls. Never blocks.
   */
  public void cancel(Throwable cause) {
    lock.lock();
    try {
      if (readerStop == null) {
        readerStop = cause;
        dropPushed();
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the writer closed the pipe (the chunks it pushed before may still be waiting): a reader
   * polling for more need not wait.
   */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** The most chunks that were in flight at once (pushed and not yet released). */
  public int maxInFlight() {
    lock.lock();
    try {
      return maxInFlight;
    } finally {
      lock.unlock();
    }
  }

  private ByteBuffer next() throws IOException {
    if (readerStop != null) {
      throw new IOException(name + " is closed", readerStop);
    }
    if (writerFailure != null) {
      throw new IOException(name + " failed", writerFailure);
    }
    return pushed.poll();
  }

  private void throwIfCancelled() throws IOException {
    if (readerStop != null) {
      throw new IOException(name + ": the reader stopped", readerStop);
    }
  }

  /** Chunks pushed and not taken go back to the writer's side: nobody will read them. */
  private void dropPushed() {
    ByteBuffer chunk;
    while ((chunk = pushed.poll()) != null) {
      inFlight--;
      released.add(chunk);
    }
  }

  /** The writer waits for room, first waking the reader for the chunks a batch still holds back. */
  private void awaitRoom() throws InterruptedIOException {
    if (!pushed.isEmpty()) {
      changed.signalAll();
    }
    await("waiting for the reader of " + name);
  }

  private void await(String what) throws InterruptedIOException {
    try {
      changed.await();
    } catch (InterruptedException e) {
      throw interrupted(what);
    }
  }

  private static InterruptedIOException interrupted(String what) {
    Thread.currentThread().interrupt();
    return new InterruptedIOException("interrupted " + what);
  }

  @Override
  public String toString() {
    return name;
  }
}
