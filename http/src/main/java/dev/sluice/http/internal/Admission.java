package dev.sluice.http.internal;

import dev.sluice.core.ByteSize;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.job.MemoryExhaustedException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission control: a transfer runs only with a slot among the concurrent transfers, a slot among
 * the open files and its payload memory reserved from the server's {@link MemoryBudget}, all taken
 * before a byte of the body is read (so an {@code Expect: 100-continue} client sends nothing) or
 * written. A request that cannot get them within a short wait is refused with {@code 503} and
 * {@code Retry-After}; an admitted one keeps what it took until it ends, so it never waits for
 * memory again and never fails for want of it.
 *
 * <p>Uploads reserve the ingestion engine's window ({@code chunkSize × window}); downloads their
 * one buffer, and a zero-copy download (see {@link Sendfile}) {@link Sendfile#ADMITTED_AS}, though
 * it allocates nothing: the budget is also what bounds how many downloads hold connections. The
 * limits are counted per transfer: a transfer holds one store file (or stream) at a time besides
 * its connection.
 */
public final class Admission {

  /** Retry-After, in seconds, of a refused request. */
  static final int RETRY_AFTER_SECONDS = 1;

  /** The payload memory an upload holds: the engine's default window of chunks. */
  static final long UPLOAD_BYTES = (long) Ingestion.DEFAULT_CHUNK_SIZE * Ingestion.DEFAULT_WINDOW;

  /**
   * Requests of one direction that may wait to be admitted at once; more are refused without
   * waiting: a queue that long cannot be served within the wait, and each waiter holds a
   * connection's request state. Per direction, so a flood of downloads does not refuse uploads.
   */
  static final int MAX_WAITING = 64;

  /** The share of the memory budget one direction may hold. */
  static final double DIRECTION_SHARE = 0.75;

  private static final ThreadLocal<Ticket> CURRENT = new ThreadLocal<>();

  private final MemoryBudget memory;
  private final int maxTransfers;
  private final int maxOpenFiles;
  private final Semaphore transfers;
  private final Semaphore files;
  private final Map<Direction, MemoryBudget> shares; // what of the budget each direction may hold
  private final Duration wait;
  private final Map<Direction, AtomicInteger> queues =
      Map.of(Direction.UPLOAD, new AtomicInteger(), Direction.DOWNLOAD, new AtomicInteger());
  private final Map<String, AtomicLong> refused =
      Map.of(
          "transfers", new AtomicLong(),
          "files", new AtomicLong(),
          "memory", new AtomicLong(),
          "queue", new AtomicLong());

  /**
   * @param memory the budget every transfer's buffers come from
   * @param maxTransfers the most transfers running at once
   * @param maxOpenFiles the most store files transfers hold open at once
   * @param wait how long a request may wait to be admitted before it is refused
   */
  public Admission(MemoryBudget memory, int maxTransfers, int maxOpenFiles, Duration wait) {
    this.memory = memory;
    this.maxTransfers = maxTransfers;
    this.maxOpenFiles = maxOpenFiles;
    this.transfers = new Semaphore(maxTransfers, true);
    this.files = new Semaphore(maxOpenFiles, true);
    long share = Math.max(1, (long) (memory.capacity() * DIRECTION_SHARE));
    this.shares =
        Map.of(
            Direction.UPLOAD, memory.share(share),
            Direction.DOWNLOAD, memory.share(share));
    this.wait = wait;
  }

  /**
   * Admits a request that sends a body ({@code PUT}, {@code POST}, {@code PATCH}) as an upload; any
   * other request passes with a ticket that holds nothing. The ticket is the thread's current one
   * until it closes: {@link ServerContext#start} takes the engine's chunks from its memory.
   *
   * @throws HttpProblem 503 with {@code Retry-After} if it cannot be admitted within the wait
   */
  public Ticket admitBody(Exchange exchange) {
    return carriesBody(exchange.method())
        ? admit(Direction.UPLOAD, exchange.method() + " " + exchange.path(), UPLOAD_BYTES)
        : new Ticket(null);
  }

  /** True for the methods whose requests are admitted as uploads: PUT, POST and PATCH. */
  static boolean carriesBody(String method) {
    return switch (method) {
      case "PUT", "POST", "PATCH" -> true;
      default -> false;
    };
  }

  /**
   * Admits one transfer that holds {@code bytes} of payload memory.
   *
   * @throws HttpProblem 503 with {@code Retry-After} if it cannot be admitted within the wait
   */
  public Ticket admit(Direction direction, String what, long bytes) {
    long deadline = System.nanoTime() + wait.toNanos();
    AtomicInteger queue = queues.get(direction);
    if (queue.incrementAndGet() > MAX_WAITING) {
      queue.decrementAndGet();
      throw busy(
          "queue",
          what,
          MAX_WAITING
              + " "
              + direction.name().toLowerCase(java.util.Locale.ROOT)
              + "s are already waiting to be admitted");
    }
    boolean transfer = false;
    boolean file = false;
    try {
      transfer = transfers.tryAcquire(left(deadline), TimeUnit.NANOSECONDS);
      if (!transfer) {
        throw busy("transfers", what, maxTransfers + " concurrent transfers are running");
      }
      file = files.tryAcquire(left(deadline), TimeUnit.NANOSECONDS);
      if (!file) {
        throw busy("files", what, maxOpenFiles + " store files are open");
      }
      // from the direction's share, in line behind earlier ones (nothing for no buffer)
      MemoryBudget.Reservation reserved =
          shares.get(direction).reserve(bytes, Duration.ofNanos(left(deadline)));
      if (reserved == null) {
        throw busy(
            "memory",
            what,
            "its memory budget of "
                + ByteSize.format(memory.capacity())
                + " is in use ("
                + ByteSize.format(bytes)
                + " more needed for this "
                + direction.name().toLowerCase(java.util.Locale.ROOT)
                + ")");
      }
      Ticket ticket = new Ticket(reserved);
      transfer = false;
      file = false;
      return ticket;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw busy("transfers", what, "it is stopping");
    } finally {
      queue.decrementAndGet();
      if (file) {
        files.release();
      }
      if (transfer) {
        transfers.release();
      }
    }
  }

  private static long left(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private HttpProblem busy(String limit, String what, String why) {
    refused.get(limit).incrementAndGet();
    return new HttpProblem(
        503,
        "the server is busy: "
            + why
            + "; "
            + what
            + " was not admitted within "
            + wait.toMillis()
            + " ms and nothing of it was read; retry after "
            + RETRY_AFTER_SECONDS
            + " s",
        Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS), "Connection", "close"));
  }

  /** The memory budget. */
  public MemoryBudget memory() {
    return memory;
  }

  /**
   * The uploads' share of the budget, which their tickets draw on: a store's own upload buffers (S3
   * parts) come from here too, so uploads and their stores together never hold more than the share,
   * and downloads always find the rest.
   */
  public MemoryBudget uploadMemory() {
    return shares.get(Direction.UPLOAD);
  }

  /** Requests waiting to be admitted now. */
  public int waiting() {
    return queues.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Requests refused so far because {@code limit} (transfers, files, memory, queue) was hit. */
  public long refused(String limit) {
    return refused.get(limit).get();
  }

  public int maxTransfers() {
    return maxTransfers;
  }

  public int maxOpenFiles() {
    return maxOpenFiles;
  }

  /** Transfers admitted and running now. */
  public int running() {
    return maxTransfers - transfers.availablePermits();
  }

  /** The ticket of the request running on this thread, or null. */
  static Ticket current() {
    return CURRENT.get();
  }

  /** What one admitted transfer holds; closing it gives everything back. Closing twice is fine. */
  public final class Ticket implements AutoCloseable {
    private final MemoryBudget.Reservation reservation;
    private boolean held;
    private final Ticket outer;

    private Ticket(MemoryBudget.Reservation reservation) {
      this.reservation = reservation;
      this.held = reservation != null;
      this.outer = CURRENT.get();
      if (held) {
        CURRENT.set(this);
      }
    }

    /** The memory reserved for this transfer; null for a ticket that holds nothing. */
    public MemoryBudget.Reservation memory() {
      return reservation;
    }

    /**
     * A buffer of {@code capacity} bytes from this ticket's memory.
     *
     * @throws HttpProblem 503 with {@code Retry-After} if the process has no direct memory left
     */
    public ByteBuffer buffer(int capacity) {
      try {
        return reservation.take(capacity);
      } catch (MemoryExhaustedException e) {
        refused.get("memory").incrementAndGet();
        throw new HttpProblem(
            503,
            "the server is busy: " + e.getMessage() + "; retry after " + RETRY_AFTER_SECONDS + " s",
            Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS), "Connection", "close"));
      }
    }

    @Override
    public void close() {
      if (!held) {
        return;
      }
      held = false;
      if (CURRENT.get() == this) {
        if (outer == null) {
          CURRENT.remove();
        } else {
          CURRENT.set(outer);
        }
      }
      reservation.close();
      files.release();
      transfers.release();
    }
  }
}
