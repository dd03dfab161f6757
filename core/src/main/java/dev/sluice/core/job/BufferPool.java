package dev.sluice.core.job;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct buffers shared by all jobs in the process, so that short jobs do not allocate (and wait
 * for the garbage collector to free) native memory. At most {@link #MAX_RETAINED} bytes are kept
 * idle; buffers beyond that are dropped for the collector.
 */
final class BufferPool {

  /** Idle bytes kept for reuse. */
  public static final long MAX_RETAINED = 64L << 20;

  private static final ConcurrentHashMap<Integer, ConcurrentLinkedQueue<ByteBuffer>> IDLE =
      new ConcurrentHashMap<>();
  private static final AtomicLong RETAINED = new AtomicLong();

  private BufferPool() {}

  /**
   * A cleared direct buffer of exactly {@code capacity} bytes.
   *
   * @throws MemoryExhaustedException if the JVM has no direct memory left for it (never an {@link
   *     OutOfMemoryError}: the caller's transfer fails alone, with a reason)
   */
  public static ByteBuffer acquire(int capacity) throws MemoryExhaustedException {
    ConcurrentLinkedQueue<ByteBuffer> idle = IDLE.get(capacity);
    ByteBuffer buffer = idle == null ? null : idle.poll();
    if (buffer == null) {
      try {
        return ByteBuffer.allocateDirect(capacity);
      } catch (OutOfMemoryError e) {
        MemoryExhaustedException exhausted =
            new MemoryExhaustedException(
                "no direct memory left for a buffer of " + capacity + " bytes");
        exhausted.addSuppressed(e);
        throw exhausted;
      }
    }
    RETAINED.addAndGet(-capacity);
    return buffer.clear();
  }

  /** Returns a buffer obtained from {@link #acquire}; the caller must not use it afterwards. */
  public static void release(ByteBuffer buffer) {
    int capacity = buffer.capacity();
    if (RETAINED.addAndGet(capacity) > MAX_RETAINED) {
      RETAINED.addAndGet(-capacity);
      return;
    }
    IDLE.computeIfAbsent(capacity, c -> new ConcurrentLinkedQueue<>()).offer(buffer);
  }
}
