package dev.sluice.http.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global download limit of a cluster: tokens from a bucket every node shares in the
 * coordination store. A node takes them in batches of a fiftieth of a second of the rate into a
 * local reservoir its transfers draw from, and asks the store again only when the reservoir runs
 * dry, at most once per {@link #PAUSE} while the shared bucket is empty: a few hundred round trips
 * a second for the whole cluster, however many transfers wait. While the store does not answer,
 * each node paces itself with a local bucket of its share, the rate divided by the nodes seen live
 * at the last heartbeat: downloads go on and the cluster stays near its limit (neither failing open
 * to N times the rate nor closed to none). The shared bucket is tried again every {@link #RETRY}.
 * Thread-safe.
 */
final class ClusterTokens implements Throttle.Tokens {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterTokens.class);

  /** How long a node paces itself locally after the store failed, before it tries the store. */
  static final Duration RETRY = Duration.ofSeconds(1);

  /** How long a node waits before asking an empty shared bucket again. */
  static final Duration PAUSE = Duration.ofMillis(10);

  private final Throttle.Tokens shared;
  private final LongSupplier nanos;
  private final long rate;
  private final long burst;
  private final IntSupplier liveNodes;
  private volatile long retryAt; // the clock's time before which the local share is used
  private volatile boolean degraded;
  private volatile Local local; // the fallback bucket and the node count it was sized for
  private final long batch;
  private final Object lock = new Object();
  private long
      reservoir; // tokens taken from the shared bucket, not handed out yet; guarded by lock
  private long askAgainAt; // the clock's time before which the empty shared bucket is not asked

  private record Local(int nodes, Throttle.Tokens tokens) {}

  ClusterTokens(Bucket shared, long rate, long burst, IntSupplier liveNodes) {
    this(Throttle.Tokens.of(shared), rate, burst, liveNodes, System::nanoTime);
  }

  /** As above, with the shared tokens and the clock ({@link System#nanoTime()}) given. */
  ClusterTokens(
      Throttle.Tokens shared, long rate, long burst, IntSupplier liveNodes, LongSupplier nanos) {
    this.shared = shared;
    this.nanos = nanos;
    this.rate = rate;
    this.burst = burst;
    this.liveNodes = liveNodes;
    this.batch = Math.max(1024, Math.min(burst, rate / 50));
  }

  /** True while the node paces itself with its local share because the store did not answer. */
  boolean degraded() {
    return degraded;
  }

  @Override
  public ConsumptionProbe tryConsumeAndReturnRemaining(long tokens) {
    if (useShared()) {
      try {
        synchronized (lock) {
          long now = nanos.getAsLong();
          if (reservoir < tokens && now - askAgainAt >= 0) {
            fetch(Math.max(tokens, batch) - reservoir, now);
          }
          recovered();
          if (reservoir >= tokens) {
            reservoir -= tokens;
            return ConsumptionProbe.consumed(reservoir, 0);
          }
          long wait = Math.max(1_000_000, askAgainAt - now);
          return ConsumptionProbe.rejected(reservoir, wait, wait);
        }
      } catch (RuntimeException e) {
        failed(e);
      }
    }
    return local().tryConsumeAndReturnRemaining(tokens);
  }

  @Override
  public long tryConsumeAsMuchAsPossible(long limit) {
    if (useShared()) {
      try {
        synchronized (lock) {
          long now = nanos.getAsLong();
          if (reservoir < limit && now - askAgainAt >= 0) {
            fetch(limit - reservoir, now);
          }
          recovered();
          long taken = Math.min(limit, reservoir);
          reservoir -= taken;
          return taken;
        }
      } catch (RuntimeException e) {
        failed(e);
      }
    }
    return local().tryConsumeAsMuchAsPossible(limit);
  }

  /** Moves up to {@code wanted} tokens from the shared bucket to the reservoir. Holds lock. */
  private void fetch(long wanted, long now) {
    long got = shared.tryConsumeAsMuchAsPossible(wanted);
    reservoir += got;
    if (got < wanted) {
      askAgainAt = now + PAUSE.toNanos(); // empty: let it refill before asking again
    }
  }

  private boolean useShared() {
    return !degraded || nanos.getAsLong() - retryAt >= 0;
  }

  private void recovered() {
    if (degraded) {
      degraded = false;
      LOG.warn("the coordination store answers again: downloads share the cluster's global rate");
    }
  }

  private void failed(RuntimeException e) {
    retryAt = nanos.getAsLong() + RETRY.toNanos();
    if (!degraded) {
      degraded = true;
      LOG.warn(
          "the coordination store does not answer ({}): this node paces its downloads to its share"
              + " of the global rate until it does",
          e.getClass().getSimpleName());
    }
  }

  private Throttle.Tokens local() {
    int nodes = Math.max(1, liveNodes.getAsInt());
    Local current = local;
    if (current == null || current.nodes() != nodes) {
      long share = Math.max(Throttle.MIN_RATE, rate / nodes);
      long shareBurst = Math.max(Throttle.MAX_CHUNK, Math.min(burst, share / 10));
      Bucket bucket =
          Bucket.builder()
              .addLimit(
                  limit ->
                      limit
                          .capacity(shareBurst)
                          .refillGreedy(share, Duration.ofSeconds(1))
                          .initialTokens(0))
              .build();
      current = new Local(nodes, Throttle.Tokens.of(bucket));
      local = current;
    }
    return current.tokens();
  }
}
