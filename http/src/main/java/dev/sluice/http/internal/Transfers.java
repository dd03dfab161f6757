package dev.sluice.http.internal;

import dev.sluice.core.AbortReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The transfers running in the server, uploads and downloads alike: listed by {@code /jobs},
 * counted by {@code /metrics}, and cancelled with {@link AbortReason#SHUTDOWN} when the grace
 * period of a shutdown runs out.
 */
public final class Transfers {

  /** Upload or download. */
  public enum Direction {
    UPLOAD,
    DOWNLOAD
  }

  private static final AtomicLong IDS = new AtomicLong();

  private final Map<Long, Transfer> active = new ConcurrentHashMap<>();
  private final Object idle = new Object();

  /** One running transfer; closing it removes it from the registry. */
  public final class Transfer implements AutoCloseable {
    private final long id = IDS.incrementAndGet();
    private final Direction direction;
    private final String key;
    private final long expectedBytes;
    private final Instant startedAt = Instant.now();
    private final String startedAtText = startedAt.toString(); // formatted once, not per listing
    private final long startNanos = System.nanoTime();
    private final AtomicLong bytes = new AtomicLong();
    private volatile Consumer<AbortReason> canceller;
    private volatile AbortReason cancelReason;
    private volatile String client;
    private volatile long rateLimit;
    private volatile boolean offloaded;
    private volatile LongSupplier inFlightBytes = () -> 0;

    private Transfer(Direction direction, String key, long expectedBytes) {
      this.direction = direction;
      this.key = key;
      this.expectedBytes = expectedBytes;
    }

    /** Counts {@code n} more bytes moved. */
    public void add(long n) {
      bytes.addAndGet(n);
    }

    /** The client's address, as listed by {@code /jobs}. */
    public void client(String address) {
      this.client = address;
    }

    /** The bytes/s this transfer is throttled to; 0 when it is not. */
    public void rateLimit(long bytesPerSecond) {
      this.rateLimit = bytesPerSecond;
    }

    /** Marks this transfer as writing on the worker pool rather than its request's thread. */
    public void offloaded(boolean onWorkers) {
      this.offloaded = onWorkers;
    }

    /** Where to read the bytes read but not yet accepted by the sink (an upload's engine). */
    public void inFlightBytes(LongSupplier bytes) {
      this.inFlightBytes = bytes;
    }

    /** Sets how to stop this transfer; called with the reason. */
    public void onCancel(Consumer<AbortReason> stop) {
      this.canceller = stop;
      AbortReason already = cancelReason;
      if (already != null) {
        stop.accept(already);
      }
    }

    /** Stops this transfer with {@code reason}; the first reason given wins. */
    public void cancel(AbortReason reason) {
      if (cancelReason == null) {
        cancelReason = reason;
        Consumer<AbortReason> stop = canceller;
        if (stop != null) {
          stop.accept(reason);
        }
      }
    }

    /** Why this transfer was cancelled from outside, or null. */
    public AbortReason cancelReason() {
      return cancelReason;
    }

    public long bytes() {
      return bytes.get();
    }

    public Direction direction() {
      return direction;
    }

    Map<String, Object> describe() {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("id", id);
      out.put("direction", direction.name().toLowerCase(java.util.Locale.ROOT));
      out.put("key", key);
      out.put("bytes", bytes.get());
      out.put("expectedBytes", expectedBytes);
      out.put("startedAt", startedAtText);
      out.put("seconds", (System.nanoTime() - startNanos) / 1_000_000 / 1000.0);
      out.put("client", client);
      out.put("rateLimit", rateLimit);
      out.put("offloaded", offloaded);
      out.put("inFlightBytes", inFlightBytes.getAsLong());
      return out;
    }

    @Override
    public void close() {
      active.remove(id);
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** Registers a new transfer of {@code key}; {@code expectedBytes} is -1 when unknown. */
  public Transfer open(Direction direction, String key, long expectedBytes) {
    Transfer transfer = new Transfer(direction, key, expectedBytes);
    active.put(transfer.id, transfer);
    return transfer;
  }

  /** How many transfers run in {@code direction}. */
  public int count(Direction direction) {
    int n = 0;
    for (Transfer t : active.values()) {
      if (t.direction == direction) {
        n++;
      }
    }
    return n;
  }

  /** How many transfers run. */
  public int size() {
    return active.size();
  }

  /** A JSON-ready list of the running transfers, oldest first. */
  public List<Map<String, Object>> describe() {
    List<Transfer> list = new ArrayList<>(active.values());
    list.sort(java.util.Comparator.comparingLong(t -> t.id));
    List<Map<String, Object>> out = new ArrayList<>(list.size());
    for (Transfer t : list) {
      out.add(t.describe());
    }
    return out;
  }

  /** Waits until no transfer runs or {@code timeout} passes; true when none runs. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (!active.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        idle.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }

  /** Cancels the running transfer {@code id} with {@code reason}; false when none runs. */
  public boolean cancel(long id, AbortReason reason) {
    Transfer transfer = active.get(id);
    if (transfer == null) {
      return false;
    }
    transfer.cancel(reason);
    return true;
  }

  /** Cancels every running transfer with {@code reason}; returns how many. */
  public int cancelAll(AbortReason reason) {
    int n = 0;
    for (Transfer t : active.values()) {
      t.cancel(reason);
      n++;
    }
    return n;
  }
}
