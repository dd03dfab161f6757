package dev.sluice.core.job;

import dev.sluice.core.ByteSize;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One budget for the payload buffers of every transfer in a process: a transfer {@linkplain
 * #reserve reserves} what it will hold before it starts, then takes its buffers from that {@link
 * Reservation}, so the direct memory all transfers hold together never exceeds the budget and no
 * transfer ever meets an {@link OutOfMemoryError}.
 *
 * {@snippet :
 * MemoryBudget budget = MemoryBudget.of(64L << 20);
 * try (MemoryBudget.Reservation memory = budget.reserve(1 << 20, Duration.ofMillis(500))) {
 *   if (memory == null) {
 *     return refuse(); // e.g. 503 + Retry-After: nothing was read yet
 *   }
 *   Ingestion.from(source).to(sink).memory(memory).run();
 * }
 * }
 *
 * <p>Requests are served in arrival order: a large reservation is not starved by a stream of small
 * ones, and a reservation once made is never taken back, so an admitted transfer runs to its end
 * without waiting for memory again. Buffers come from the process's pool of direct buffers and go
 * back to it when the reservation closes. Thread-safe.
 */
public final class MemoryBudget {

  private final long capacity;
  private final MemoryBudget parent; // null for a whole budget; a share draws on it too
  private final Object lock = new Object();
  private final Deque<Object> queue = new ArrayDeque<>(); // guarded by lock
  private long used; // guarded by lock
  private final AtomicLong held = new AtomicLong();

  private MemoryBudget(long capacity, MemoryBudget parent) {
    this.capacity = capacity;
    this.parent = parent;
  }

  /** A budget of {@code bytes}. */
  public static MemoryBudget of(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("memory budget must be > 0: " + bytes);
    }
    return new MemoryBudget(bytes, null);
  }

  /**
   * A share of this budget that holds at most {@code bytes} of it: a reservation from the share
   * needs room in both (it waits in the share's line, then in this budget's), its buffers count in
   * both, and closing it gives the bytes back to both. Several shares may together promise more
   * than this budget holds; each caps what its users may take, e.g. uploads at 3/4 of a server's
   * memory, their stores' buffers included, so downloads always find the rest.
   */
  public MemoryBudget share(long bytes) {
    if (bytes <= 0 || bytes > capacity) {
      throw new IllegalArgumentException(
          "a share must be > 0 and at most the budget (" + capacity + "): " + bytes);
    }
    return new MemoryBudget(bytes, this);
  }

  /**
   * The default budget of a process: an eighth of the direct memory the JVM allows ({@code
   * -XX:MaxDirectMemorySize}, by default the maximum heap), at least 8 MiB. The rest is left to the
   * network layer's own buffers and to the pool's idle ones.
   */
  public static long defaultBytes() {
    return Math.max(8L << 20, maxDirectMemory() / 8);
  }

  /** The most direct memory the JVM allows, as it reports it. */
  static long maxDirectMemory() {
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-XX:MaxDirectMemorySize=")) {
        try {
          return ByteSize.parse(arg.substring("-XX:MaxDirectMemorySize=".length()));
        } catch (IllegalArgumentException e) {
          break;
        }
      }
    }
    return Runtime.getRuntime().maxMemory();
  }

  /** Direct memory in use by the whole process now (every pool of direct buffers). */
  public static long directMemoryUsed() {
    long sum = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        sum += pool.getMemoryUsed();
      }
    }
    return sum;
  }

  /**
   * Reserves {@code bytes}, waiting up to {@code wait} behind earlier requests for memory to be
   * given back.
   *
   * @return the reservation, or null if {@code bytes} could not be reserved within {@code wait}
   *     (always null when {@code bytes} exceeds the whole budget); a reservation of 0 bytes (a
   *     transfer that holds no buffer) is made at once, without queueing
   * @throws InterruptedException if interrupted while waiting; nothing is then reserved
   */
  public Reservation reserve(long bytes, Duration wait) throws InterruptedException {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
    }
    if (bytes > capacity) {
      return null;
    }
    if (bytes == 0) {
      return new Reservation(0); // holds nothing: it neither waits for nor delays anyone
    }
    long deadline = System.nanoTime() + wait.toNanos();
    return acquire(bytes, deadline) ? new Reservation(bytes) : null;
  }

  /**
   * Takes {@code bytes} here and in every budget this one is a share of, waiting in line in each
   * until {@code deadline}; false, having taken nothing, if one had no room in time.
   */
  private boolean acquire(long bytes, long deadline) throws InterruptedException {
    Object turn = new Object();
    synchronized (lock) {
      queue.addLast(turn);
      try {
        while (queue.peekFirst() != turn || used + bytes > capacity) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          lock.wait(Math.max(1, left / 1_000_000));
        }
        used += bytes;
      } finally {
        queue.remove(turn);
        lock.notifyAll(); // the next in line may fit now
      }
    }
    boolean whole = false;
    try {
      whole = parent == null || parent.acquire(bytes, deadline);
      return whole;
    } finally {
      if (!whole) {
        giveBackHere(bytes);
      }
    }
  }

  private void giveBack(long bytes) {
    for (MemoryBudget budget = this; budget != null; budget = budget.parent) {
      budget.giveBackHere(bytes);
    }
  }

  private void giveBackHere(long bytes) {
    synchronized (lock) {
      used -= bytes;
      lock.notifyAll();
    }
  }

  private void addHeld(long bytes) {
    for (MemoryBudget budget = this; budget != null; budget = budget.parent) {
      budget.held.addAndGet(bytes);
    }
  }

  /** The budget, in bytes. */
  public long capacity() {
    return capacity;
  }

  /** Bytes reserved now. */
  public long used() {
    synchronized (lock) {
      return used;
    }
  }

  /**
   * Bytes of the buffers taken from reservations and not given back now: at most {@link #used()},
   * less when transfers hold their buffers only while they copy (a paced download between writes).
   */
  public long held() {
    return held.get();
  }

  /** Reservations waiting for memory now. */
  public int waiting() {
    synchronized (lock) {
      return queue.size();
    }
  }

  @Override
  public String toString() {
    return "memory budget " + ByteSize.format(used()) + " of " + ByteSize.format(capacity);
  }

  /**
   * Memory reserved for one transfer: its buffers are {@linkplain #take taken} from here, and
   * closing it gives the buffers back to the pool and the bytes back to the budget. Closing twice
   * is harmless.
   */
  public final class Reservation implements AutoCloseable {

    private final long bytes;
    private final List<ByteBuffer> out = new ArrayList<>(); // guarded by this
    private long taken; // guarded by this
    private boolean closed; // guarded by this

    private Reservation(long bytes) {
      this.bytes = bytes;
    }

    /** The bytes reserved. */
    public long bytes() {
      return bytes;
    }

    /**
     * A cleared direct buffer of exactly {@code capacity} bytes from the reserved memory; give it
     * back with {@link #give} or by closing the reservation.
     *
     * @throws MemoryExhaustedException if the reservation has no room left for it (the transfer
     *     asked for more than it reserved) or is closed, or the JVM has no direct memory left (the
     *     budget is larger than {@code -XX:MaxDirectMemorySize} allows beside other users)
     */
    public synchronized ByteBuffer take(int capacity) throws MemoryExhaustedException {
      if (closed) {
        throw new MemoryExhaustedException("the memory reservation is closed");
      }
      if (taken + capacity > bytes) {
        throw new MemoryExhaustedException(
            "a buffer of "
                + capacity
                + " bytes exceeds the memory reserved for this transfer ("
                + (bytes - taken)
                + " of "
                + bytes
                + " bytes left)");
      }
      ByteBuffer buffer = BufferPool.acquire(capacity);
      taken += capacity;
      addHeld(capacity);
      out.add(buffer);
      return buffer;
    }

    /** Gives back a buffer from {@link #take}; the caller must not use it afterwards. */
    public synchronized void give(ByteBuffer buffer) {
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i) == buffer) {
          out.remove(i);
          taken -= buffer.capacity();
          addHeld(-buffer.capacity());
          BufferPool.release(buffer);
          return;
        }
      }
    }

    /**
     * Gives back the reserved bytes. A buffer still out is left to the garbage collector, not
     * pooled: a thread that outlived its transfer may still hold it.
     */
    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        out.clear();
        addHeld(-taken);
        taken = 0;
      }
      giveBack(bytes);
    }

    @Override
    public String toString() {
      return "reservation of " + ByteSize.format(bytes);
    }
  }
}
