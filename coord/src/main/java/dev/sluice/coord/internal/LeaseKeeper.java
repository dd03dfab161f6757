package dev.sluice.coord.internal;

import dev.sluice.coord.Lease;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases this node holds in one {@link LeaseStore}: at most one local holder per name (the
 * store's lock may be re-entrant within a process, this map is not), renewals on one daemon thread,
 * release requests and losses turned into the holder's callback, and waiting for a lease another
 * node holds. Thread-safe.
 */
public final class LeaseKeeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

  private final LeaseStore store;
  private final String nodeId;
  private final Duration leaseTime;
  private final Duration renewEvery;
  private final Map<String, Held> held = new ConcurrentHashMap<>();
  private final ScheduledExecutorService renewer;
  private final Object releases = new Object(); // notified when a lease somewhere is released

  public LeaseKeeper(LeaseStore store, String nodeId, Duration leaseTime, Duration renewEvery) {
    this.store = store;
    this.nodeId = nodeId;
    this.leaseTime = leaseTime;
    this.renewEvery = renewEvery;
    this.renewer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sluice-lease-renewer");
              t.setDaemon(true);
              return t;
            });
  }

  /** Takes {@code name} if nobody holds it; null otherwise. */
  public Lease tryAcquire(String name, Consumer<Lease> onReleaseRequested) {
    Held lease = new Held(name, nodeId + ":" + UUID.randomUUID(), onReleaseRequested);
    if (held.putIfAbsent(name, lease) != null) {
      return null; // this node holds it already
    }
    long fence;
    long asked = System.nanoTime(); // the store's lease time runs from no earlier than this
    try {
      fence = store.grant(name, lease.token);
    } catch (RuntimeException e) {
      held.remove(name, lease);
      throw e;
    }
    if (fence == 0) {
      held.remove(name, lease);
      return null;
    }
    lease.fence = fence;
    lease.renewedAt = asked;
    long every = renewEvery.toNanos();
    lease.renewal = renewer.scheduleAtFixedRate(lease::renew, every, every, TimeUnit.NANOSECONDS);
    return lease;
  }

  /**
   * Takes {@code name}, asking its holder to release it (again every quarter lease) and waiting for
   * a release or the holder's expiry, until {@code timeout}; null if it stayed taken.
   */
  public Lease acquire(String name, Duration timeout, Consumer<Lease> onReleaseRequested)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long poll = Math.clamp(leaseTime.toMillis() / 20, 10, 200);
    long askEvery = Math.max(poll, leaseTime.toMillis() / 4) * 1_000_000;
    long askedAt = 0;
    boolean asked = false;
    while (true) {
      Lease lease = tryAcquire(name, onReleaseRequested);
      if (lease != null) {
        return lease;
      }
      long now = System.nanoTime();
      if (now - deadline >= 0) {
        return null;
      }
      if (!asked || now - askedAt >= askEvery) {
        store.requestRelease(name);
        asked = true;
        askedAt = now;
      }
      synchronized (releases) {
        releases.wait(Math.max(1, Math.min(poll, (deadline - now) / 1_000_000)));
      }
    }
  }

  /**
   * The store reports that another node asks for {@code name}: the local holder's callback runs.
   */
  public void releaseRequested(String name) {
    Held lease = held.get(name);
    if (lease != null) {
      lease.askedBack.set(true);
      lease.fire();
    }
  }

  /** The store reports that {@code name} was released somewhere: waiters try again now. */
  public void released(String name) {
    synchronized (releases) {
      releases.notifyAll();
    }
  }

  /** Every lease held is gone (e.g. the session holding them ended): their holders are told. */
  public void lostAll() {
    for (Held lease : List.copyOf(held.values())) {
      lease.lost();
    }
  }

  /** How many leases this node holds. */
  public int size() {
    return held.size();
  }

  /** Releases every lease held and stops renewing. */
  @Override
  public void close() {
    for (Held lease : List.copyOf(held.values())) {
      lease.close();
    }
    renewer.shutdownNow();
  }

  private final class Held implements Lease {
    private final String name;
    private final String token;
    private final Consumer<Lease> callback;
    private final AtomicBoolean fired = new AtomicBoolean();
    private final AtomicBoolean askedBack = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long fence;
    private volatile long renewedAt;
    private volatile ScheduledFuture<?> renewal;

    Held(String name, String token, Consumer<Lease> callback) {
      this.name = name;
      this.token = token;
      this.callback = callback;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long fence() {
      return fence;
    }

    @Override
    public boolean held() {
      return !ended.get() && System.nanoTime() - renewedAt < leaseTime.toNanos();
    }

    @Override
    public boolean releaseRequested() {
      return askedBack.get();
    }

    void renew() {
      if (ended.get()) {
        return;
      }
      long asked = System.nanoTime();
      try {
        if (store.renew(name, token)) {
          renewedAt = asked;
          return;
        }
        LOG.warn("lease {} was taken over: its holder is told to stop", name);
        lost();
      } catch (RuntimeException e) {
        if (System.nanoTime() - renewedAt >= leaseTime.toNanos()) {
          LOG.warn(
              "lease {} lapsed: the store did not answer its renewals ({})", name, e.toString());
          lost();
        }
      }
    }

    void lost() {
      if (end()) {
        fire();
      }
    }

    void fire() {
      if (callback != null && fired.compareAndSet(false, true)) {
        Thread.ofVirtual().name("sluice-lease-callback").start(() -> callback.accept(this));
      }
    }

    /** Ends this lease locally; true for the first caller. */
    private boolean end() {
      if (!ended.compareAndSet(false, true)) {
        return false;
      }
      ScheduledFuture<?> r = renewal;
      if (r != null) {
        r.cancel(false);
      }
      held.remove(name, this);
      return true;
    }

    @Override
    public void close() {
      if (end()) {
        try {
          store.release(name, token);
        } catch (RuntimeException e) {
          LOG.warn(
              "releasing lease {} failed; it lapses after the lease time ({})", name, e.toString());
        }
      }
    }

    @Override
    public String toString() {
      return "lease(" + name + ", fence " + fence + (held() ? ")" : ", ended)");
    }
  }
}
