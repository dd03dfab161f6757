package dev.sluice.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Coordination} guarantees, run against the real store by each implementation's
 * IT: several clients stand for several nodes, each with a namespace of this test's own.
 */
public abstract class CoordinationContract {

  /** Opens one more client (a node) of the store under test. */
  protected abstract Coordination connect(CoordinationOptions options);

  private final String namespace =
      "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final List<Coordination> opened = new ArrayList<>();

  protected CoordinationContract() {}

  protected CoordinationOptions options(String node) {
    return CoordinationOptions.defaults()
        .withNodeId(node)
        .withNamespace(namespace)
        .withLeaseTime(Duration.ofSeconds(2))
        .withNodeTtl(Duration.ofSeconds(2));
  }

  protected Coordination open(CoordinationOptions options) {
    Coordination c = connect(options);
    synchronized (opened) {
      opened.add(c);
    }
    return c;
  }

  /** Removes what the store still holds of {@code namespace} (fences, tables) after a test. */
  protected abstract void cleanUp(String namespace) throws Exception;

  @AfterEach
  void closeAll() throws Exception {
    synchronized (opened) {
      opened.forEach(Coordination::close);
    }
    cleanUp(namespace);
  }

  @Test
  void onlyOneNodeHoldsALeaseAtATimeUnderContention() throws Exception {
    int nodes = 3;
    int threadsPerNode = 3;
    int rounds = 15;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger entries = new AtomicInteger();
    AtomicLong lastFence = new AtomicLong();
    AtomicInteger fencesOutOfOrder = new AtomicInteger();
    List<Coordination> clients = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      clients.add(open(options("node-" + n)));
    }
    CyclicBarrier start = new CyclicBarrier(nodes * threadsPerNode);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (Coordination client : clients) {
        for (int t = 0; t < threadsPerNode; t++) {
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                      try (Lease lease = client.acquire("shared", Duration.ofSeconds(60), null)) {
                        assertThat(lease).as("acquired within the timeout").isNotNull();
                        if (inside.incrementAndGet() != 1) {
                          overlaps.incrementAndGet();
                        }
                        if (lease.fence() <= lastFence.getAndSet(lease.fence())) {
                          fencesOutOfOrder.incrementAndGet();
                        }
                        entries.incrementAndGet();
                        Thread.yield();
                        inside.decrementAndGet();
                      }
                    }
                    return null;
                  }));
        }
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    }
    assertThat(overlaps).hasValue(0);
    assertThat(fencesOutOfOrder).hasValue(0);
    assertThat(entries).hasValue(nodes * threadsPerNode * rounds);
  }

  @Test
  void aWaitingNodeAsksTheHolderToReleaseAndTheHolderEndsCleanly() throws Exception {
    Coordination holder = open(options("holder"));
    Coordination waiter = open(options("waiter"));
    CountDownLatch asked = new CountDownLatch(1);
    AtomicReference<Boolean> askedFlag = new AtomicReference<>();
    Lease held =
        holder.tryAcquire(
            "upload:1",
            lease -> {
              askedFlag.set(lease.releaseRequested());
              asked.countDown();
              lease.close(); // ends its work at a clean point, then lets go
            });
    assertThat(held).isNotNull();
    assertThat(waiter.tryAcquire("upload:1", null)).as("held by the other node").isNull();

    try (Lease taken = waiter.acquire("upload:1", Duration.ofSeconds(30), null)) {
      assertThat(taken).isNotNull();
      assertThat(asked.await(0, TimeUnit.SECONDS)).as("the holder's callback ran first").isTrue();
      assertThat(askedFlag.get()).isTrue();
      assertThat(held.held()).isFalse();
      assertThat(taken.fence()).isGreaterThan(held.fence());
    }
  }

  @Test
  void aHolderThatStopsRenewingLosesTheLeaseAfterTheLeaseTime() {
    // the holder "dies": it never renews (its renewal period is far beyond the lease time)
    Coordination dying =
        open(
            options("dying")
                .withLeaseTime(Duration.ofMillis(600))
                .withRenewEvery(Duration.ofHours(1)));
    Coordination survivor = open(options("survivor"));
    Lease lease = dying.tryAcquire("upload:2", null);
    assertThat(lease).isNotNull();
    assertThat(survivor.tryAcquire("upload:2", null)).isNull();

    AtomicReference<Lease> taken = new AtomicReference<>();
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                taken.updateAndGet(t -> t != null ? t : survivor.tryAcquire("upload:2", null))
                    != null);
    assertThat(taken.get().fence()).isGreaterThan(lease.fence());
    assertThat(lease.held()).as("the dead holder's own view, past its lease time").isFalse();
    taken.get().close();
  }

  @Test
  void aReleasedLeaseIsFreeAtOnceAndOneNodeCannotTakeItTwice() {
    Coordination a = open(options("a"));
    Lease first = a.tryAcquire("k", null);
    assertThat(first).isNotNull();
    assertThat(a.tryAcquire("k", null)).as("the same node, a second time").isNull();
    first.close();
    first.close(); // idempotent
    assertThat(first.held()).isFalse();
    Lease again = a.tryAcquire("k", null);
    assertThat(again).isNotNull();
    again.close();
  }

  @Test
  void aSweepRunsOncePerClusterPerPeriod() throws Exception {
    List<Coordination> nodes =
        List.of(open(options("s1")), open(options("s2")), open(options("s3")));
    AtomicInteger claimed = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(nodes.size() * 4);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (Coordination node : nodes) {
        for (int t = 0; t < 4; t++) {
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    if (node.claimSweep("expiry", Duration.ofMillis(800))) {
                      claimed.incrementAndGet();
                    }
                    return null;
                  }));
        }
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    }
    assertThat(claimed).hasValue(1);
    // the next period belongs to whoever claims first once this one is over
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> nodes.get(2).claimSweep("expiry", Duration.ofHours(1)));
    assertThat(nodes.get(0).claimSweep("expiry", Duration.ofHours(1))).isFalse();
  }

  @Test
  void liveNodesListsThoseWithARecentHeartbeat() {
    Coordination a = open(options("node-a").withNodeTtl(Duration.ofMillis(700)));
    Coordination b = open(options("node-b").withNodeTtl(Duration.ofMinutes(1)));
    Instant started = Instant.parse("2026-12-06T10:00:00Z");
    a.publish(
        new NodeInfo("node-a", "http://127.0.0.1:1", started, 2, "[{\"id\":1}]\nsecond line"));
    b.publish(new NodeInfo("node-b", "http://127.0.0.1:2", started, 0, ""));

    assertThat(b.liveNodes())
        .containsExactly(
            new NodeInfo("node-a", "http://127.0.0.1:1", started, 2, "[{\"id\":1}]\nsecond line"),
            new NodeInfo("node-b", "http://127.0.0.1:2", started, 0, ""));
    assertThatThrownBy(() -> a.publish(new NodeInfo("node-b", "x", started, 0, "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a node publishes itself: node-b is not node-a");

    // a stops its heartbeats: it drops out after its TTL
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> b.liveNodes().stream().map(NodeInfo::id).toList().equals(List.of("node-b")));
    b.close(); // a node that stops cleanly withdraws at once
    Coordination c = open(options("node-c"));
    assertThat(c.liveNodes()).isEmpty();
  }

  @Test
  void aSharedBucketIsOneBucketForEveryNode() {
    Coordination a = open(options("a"));
    Coordination b = open(options("b"));
    var onA = a.sharedBucket("global", 1000, 1000);
    var onB = b.sharedBucket("global", 1000, 1000);
    assertThat(onA.tryConsume(1000)).isTrue();
    assertThat(onB.tryConsume(500)).as("the tokens a took are gone for b too").isFalse();
  }

  @Test
  void aReachableStoreAnswersAProbe() {
    Probe probe = open(options("y")).probe();
    assertThat(probe.reachable()).isTrue();
    assertThat(probe.problem()).isEmpty();
  }
}
