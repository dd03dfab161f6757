package dev.sluice.http.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global download limit of a cluster: tokens from a bucket every node shares in the
 * coordination store. While the store does not answer, each node paces itself with a local bucket
 * of its share, the rate divided by the nodes seen live at the last heartbeat: downloads go on and
 * the cluster stays near its limit (neither failing open to N times the rate nor closed to none).
 * The shared bucket is tried again every {@link #RETRY}. Thread-safe.
 */
final class ClusterTokens implements Throttle.Tokens {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterTokens.class);

  /** How long a node paces itself locally after the store failed, before it tries the store. */
  static final Duration RETRY = Duration.ofSeconds(1);

  private final Bucket shared;
  private final long rate;
  private final long burst;
  private final IntSupplier liveNodes;
  private volatile long retryAt; // System.nanoTime() before which the local share is used
  private volatile boolean degraded;
  private volatile Local local; // the fallback bucket and the node count it was sized for

  private record Local(int nodes, Throttle.Tokens tokens) {}

  ClusterTokens(Bucket shared, long rate, long burst, IntSupplier liveNodes) {
    this.shared = shared;
    this.rate = rate;
    this.burst = burst;
    this.liveNodes = liveNodes;
  }

  /** True while the node paces itself with its local share because the store did not answer. */
  boolean degraded() {
    return degraded;
  }

  @Override
  public ConsumptionProbe tryConsumeAndReturnRemaining(long tokens) {
    if (useShared()) {
      try {
        ConsumptionProbe probe = shared.tryConsumeAndReturnRemaining(tokens);
        recovered();
        return probe;
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
        long got = shared.tryConsumeAsMuchAsPossible(limit);
        recovered();
        return got;
      } catch (RuntimeException e) {
        failed(e);
      }
    }
    return local().tryConsumeAsMuchAsPossible(limit);
  }

  private boolean useShared() {
    return !degraded || System.nanoTime() - retryAt >= 0;
  }

  private void recovered() {
    if (degraded) {
      degraded = false;
      LOG.warn("the coordination store answers again: downloads share the cluster's global rate");
    }
  }

  private void failed(RuntimeException e) {
    retryAt = System.nanoTime() + RETRY.toNanos();
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
