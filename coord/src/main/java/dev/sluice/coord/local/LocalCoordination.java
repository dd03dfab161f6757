package dev.sluice.coord.local;

import dev.sluice.coord.Coordination;
import dev.sluice.coord.CoordinationOptions;
import dev.sluice.coord.Lease;
import dev.sluice.coord.NodeInfo;
import dev.sluice.coord.Probe;
import dev.sluice.coord.internal.LeaseKeeper;
import dev.sluice.coord.internal.LeaseStore;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Coordination within one process, for a server that runs alone: the same leases, release requests,
 * node list, sweeps and buckets as the Redis and PostgreSQL ones, held in memory. Code that needs a
 * lease (e.g. on a resumable upload) takes it the same way with or without a cluster. Instances
 * opened on one {@link Memory} behave as nodes of one cluster (the tests use that). Thread-safe.
 */
public final class LocalCoordination implements Coordination {

  /** The shared state of the "nodes" opened on it. Thread-safe: one lock guards it. */
  public static final class Memory {
    private final Object lock = new Object();
    private final Map<String, Grant> leases = new HashMap<>(); // guarded by lock
    private final Map<String, Long> fences = new HashMap<>(); // guarded by lock
    private final Map<String, Long> sweepsDue = new HashMap<>(); // nanoTime; guarded by lock
    private final Map<String, Seen> nodes = new HashMap<>(); // guarded by lock
    private final Map<String, Bucket> buckets = new HashMap<>(); // guarded by lock
    private final List<LocalCoordination> members = new CopyOnWriteArrayList<>();

    /** An empty memory: a new cluster. */
    public Memory() {}

    private record Grant(String token, long expiresAt) {}

    private record Seen(NodeInfo info, long expiresAt) {}
  }

  private final Memory memory;
  private final CoordinationOptions options;
  private final Store store = new Store();
  private final LeaseKeeper leases;

  private LocalCoordination(Memory memory, CoordinationOptions options) {
    this.memory = memory;
    this.options = options;
    this.leases =
        new LeaseKeeper(store, options.nodeId(), options.leaseTime(), options.renewEvery());
    memory.members.add(this);
  }

  /** A coordination of its own: a cluster of one. */
  public static LocalCoordination open(CoordinationOptions options) {
    return new LocalCoordination(new Memory(), options);
  }

  /** A node of the in-memory cluster {@code memory}. */
  public static LocalCoordination open(Memory memory, CoordinationOptions options) {
    return new LocalCoordination(memory, options);
  }

  private final class Store implements LeaseStore {
    @Override
    public long grant(String name, String token) {
      synchronized (memory.lock) {
        long now = System.nanoTime();
        Memory.Grant current = memory.leases.get(name);
        if (current != null && now - current.expiresAt() < 0) {
          return 0;
        }
        memory.leases.put(name, new Memory.Grant(token, now + options.leaseTime().toNanos()));
        return memory.fences.merge(name, 1L, Long::sum);
      }
    }

    @Override
    public boolean renew(String name, String token) {
      synchronized (memory.lock) {
        long now = System.nanoTime();
        Memory.Grant current = memory.leases.get(name);
        if (current == null || !current.token().equals(token) || now - current.expiresAt() >= 0) {
          return false;
        }
        memory.leases.put(name, new Memory.Grant(token, now + options.leaseTime().toNanos()));
        return true;
      }
    }

    @Override
    public void release(String name, String token) {
      synchronized (memory.lock) {
        Memory.Grant current = memory.leases.get(name);
        if (current == null || !current.token().equals(token)) {
          return;
        }
        memory.leases.remove(name);
      }
      for (LocalCoordination member : memory.members) {
        member.leases.released(name);
      }
    }

    @Override
    public void requestRelease(String name) {
      for (LocalCoordination member : memory.members) {
        member.leases.releaseRequested(name);
      }
    }
  }

  @Override
  public String nodeId() {
    return options.nodeId();
  }

  @Override
  public Lease tryAcquire(String name, Consumer<Lease> onReleaseRequested) {
    return leases.tryAcquire(name, onReleaseRequested);
  }

  @Override
  public void requestRelease(String name) {
    store.requestRelease(name);
  }

  @Override
  public Lease acquire(String name, Duration timeout, Consumer<Lease> onReleaseRequested)
      throws InterruptedException {
    return leases.acquire(name, timeout, onReleaseRequested);
  }

  @Override
  public void publish(NodeInfo self) {
    if (!self.id().equals(options.nodeId())) {
      throw new IllegalArgumentException(
          "a node publishes itself: " + self.id() + " is not " + options.nodeId());
    }
    synchronized (memory.lock) {
      memory.nodes.put(
          self.id(), new Memory.Seen(self, System.nanoTime() + options.nodeTtl().toNanos()));
    }
  }

  @Override
  public List<NodeInfo> liveNodes() {
    synchronized (memory.lock) {
      long now = System.nanoTime();
      memory.nodes.values().removeIf(seen -> now - seen.expiresAt() >= 0);
      List<NodeInfo> live = new ArrayList<>();
      for (Memory.Seen seen : memory.nodes.values()) {
        live.add(seen.info());
      }
      live.sort(java.util.Comparator.comparing(NodeInfo::id));
      return live;
    }
  }

  @Override
  public boolean claimSweep(String name, Duration period) {
    synchronized (memory.lock) {
      long now = System.nanoTime();
      Long due = memory.sweepsDue.get(name);
      if (due != null && now - due < 0) {
        return false;
      }
      memory.sweepsDue.put(name, now + period.toNanos());
      return true;
    }
  }

  @Override
  public Bucket sharedBucket(String name, long ratePerSecond, long burst) {
    synchronized (memory.lock) {
      return memory.buckets.computeIfAbsent(
          name + "/" + ratePerSecond + "/" + burst,
          k ->
              Bucket.builder()
                  .addLimit(
                      limit ->
                          limit
                              .capacity(burst)
                              .refillGreedy(ratePerSecond, Duration.ofSeconds(1))
                              .initialTokens(burst))
                  .build());
    }
  }

  @Override
  public Probe probe() {
    return new Probe(true, Duration.ZERO, "");
  }

  @Override
  public String describe() {
    return "local";
  }

  @Override
  public void close() {
    if (memory.members.remove(this)) {
      leases.close();
      synchronized (memory.lock) {
        memory.nodes.remove(options.nodeId());
      }
    }
  }

  @Override
  public String toString() {
    return "local-coordination(node " + options.nodeId() + ")";
  }
}
