package dev.sluice.core.job;

import dev.sluice.core.AbortReason;
import dev.sluice.core.CancelledException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded set of platform threads for CPU-heavy work (large digests, compression, parsing), so
 * that it never occupies the few carrier threads virtual threads run on. A virtual thread that
 * hands work to the pool parks (freeing its carrier) until the work is done.
 *
 * {@snippet :
 * try (WorkerPool workers = WorkerPool.of(Runtime.getRuntime().availableProcessors())) {
 *   Ingestion.from(source).through(Transforms.sha256()).through(Transforms.gzip(6)).to(sink)
 *       .offload(workers) // the transforms and the sink run on the pool
 *       .run();
 * }
 * }
 *
 * <p>Work waits in a bounded queue; a caller blocks while it is full (backpressure, not buffering).
 * Threads are named {@code sluice-worker-N}. {@link #close()} stops them: queued work fails with
 * {@link CancelledException} ({@link AbortReason#SHUTDOWN}), running work is interrupted, and it
 * returns once every worker has ended.
 */
public final class WorkerPool implements AutoCloseable {

  /** Work to run on a worker: the I/O exceptions it throws reach the caller unchanged. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws IOException;
  }

  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private final BlockingQueue<Task<?>> queue;
  private final List<Thread> threads = new ArrayList<>();
  private final Runnable afterClaim;
  private volatile boolean closed;

  private WorkerPool(int threadCount, int queueCapacity) {
    this(threadCount, queueCapacity, () -> {});
  }

  /**
   * A pool whose workers run {@code afterClaim} once they have claimed a piece of work and before
   * they run it: a seam for tests that force an interleaving with a cancelling caller.
   */
  WorkerPool(int threadCount, int queueCapacity, Runnable afterClaim) {
    this.afterClaim = afterClaim;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    for (int i = 0; i < threadCount; i++) {
      Thread thread =
          Thread.ofPlatform()
              .name("sluice-worker-" + THREAD_IDS.incrementAndGet())
              .daemon(true)
              .unstarted(this::workLoop);
      threads.add(thread);
    }
    threads.forEach(Thread::start);
  }

  /** A pool of {@code threads} workers whose queue holds up to 4 pieces of work per worker. */
  public static WorkerPool of(int threads) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be > 0: " + threads);
    }
    return of(threads, 4 * threads);
  }

  /** A pool of {@code threads} workers whose queue holds up to {@code queueCapacity} pieces. */
  public static WorkerPool of(int threads, int queueCapacity) {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be > 0: " + threads);
    }
    if (queueCapacity <= 0) {
      throw new IllegalArgumentException("queueCapacity must be > 0: " + queueCapacity);
    }
    return new WorkerPool(threads, queueCapacity);
  }

  /** The number of worker threads. */
  public int threads() {
    return threads.size();
  }

  /** Whether work is waiting for a worker: a worker running a long task may then yield to it. */
  public boolean hasWaitingWork() {
    return !queue.isEmpty();
  }

  /**
   * Runs {@code work} on a worker and waits for its result; what it throws is rethrown here as is.
   * Interrupting the caller interrupts the work (or withdraws it if it has not started) and waits
   * for it to stop, so {@code work} never outlives this call: buffers it was given may be reused as
   * soon as this returns.
   *
   * <p>Called from one of this pool's own workers, it runs {@code work} in place: a pipeline that
   * offloads inside an offloaded pipeline cannot deadlock the pool.
   *
   * @throws InterruptedIOException if the caller was interrupted before the work started, or while
   *     waiting for room in the queue
   * @throws CancelledException if the pool is closed ({@link AbortReason#SHUTDOWN})
   */
  public <T> T run(Work<T> work) throws IOException {
    if (work == null) {
      throw new NullPointerException("work == null");
    }
    if (threads.contains(Thread.currentThread())) {
      return work.run();
    }
    Task<T> task = new Task<>(work);
    if (closed) {
      throw closedFailure();
    }
    try {
      queue.put(task);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a free worker");
    }
    if (closed && task.withdraw()) {
      queue.remove(task);
      throw closedFailure();
    }
    return task.await();
  }

  private CancelledException closedFailure() {
    return new CancelledException(AbortReason.SHUTDOWN, "worker pool is closed: " + this);
  }

  private void workLoop() {
    while (!closed) {
      Task<?> task;
      try {
        task = queue.take();
      } catch (InterruptedException e) {
        continue; // close() wakes us this way; the loop condition decides
      }
      task.runOnThisThread(afterClaim);
    }
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops the pool: queued work fails, running work is interrupted; returns when every worker has
   * ended. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    List<Task<?>> queued = new ArrayList<>();
    queue.drainTo(queued);
    for (Task<?> task : queued) {
      task.fail(closedFailure());
    }
    threads.forEach(Thread::interrupt);
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (thread.isAlive() && thread != Thread.currentThread()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "workers(" + threads.size() + ")";
  }

  /**
   * One piece of work and its hand-over between the caller and a worker: NEW, then RUNNING and DONE
   * on a worker, or WITHDRAWN by an interrupted caller (or a closing pool) before it started.
   */
  private static final class Task<T> {

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int WITHDRAWN = 3;

    private final Work<T> work;
    private final AtomicInteger state = new AtomicInteger(NEW);
    private final CountDownLatch done = new CountDownLatch(1);
    private Thread runner; // guarded by this
    private T value;
    private Throwable failure;

    Task(Work<T> work) {
      this.work = work;
    }

    boolean withdraw() {
      return state.compareAndSet(NEW, WITHDRAWN);
    }

    void fail(Throwable cause) {
      if (withdraw()) {
        failure = cause;
        done.countDown();
      }
    }

    void runOnThisThread(Runnable afterClaim) {
      // claimed and published under one lock: a caller whose withdraw fails finds the runner
      synchronized (this) {
        if (!state.compareAndSet(NEW, RUNNING)) {
          return; // withdrawn
        }
        runner = Thread.currentThread();
      }
      afterClaim.run();
      try {
        value = work.run();
      } catch (Throwable t) {
        failure = t;
      } finally {
        synchronized (this) {
          runner = null;
        }
        Thread.interrupted(); // an interrupt meant for this work must not reach the next one
        state.set(DONE);
        done.countDown();
      }
    }

    /** Interrupts the worker running this work; called once {@link #withdraw()} has failed. */
    synchronized void interruptIfRunning() {
      if (runner != null) {
        runner.interrupt();
      }
    }

    /** Waits for the work; on interrupt, withdraws or interrupts it and still waits for its end. */
    T await() throws IOException {
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          if (withdraw()) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted before the work started on a worker");
          }
          interruptIfRunning();
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (failure == null) {
        return value;
      }
      if (failure instanceof IOException e) {
        throw e;
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      throw new IOException("work failed on a worker: " + failure, failure);
    }
  }
}
