package dev.sluice.http.internal;

import dev.sluice.coord.Coordination;
import dev.sluice.coord.CoordinationException;
import dev.sluice.coord.CoordinationOptions;
import dev.sluice.coord.Lease;
import dev.sluice.coord.local.LocalCoordination;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases that keep requests to one resumable upload apart, on one node and across nodes: a
 * request that appends, declares a length, completes, cancels or reads a safe offset first takes
 * the lease {@code upload:ID} in the coordination store (the cluster's, or for a server alone a
 * {@link LocalCoordination} of its own, which gives the same behaviour in one process). If another
 * request holds it, this one asks that holder to release it (its append ends at its durable offset)
 * and waits for it, or for the lease of a holder that died to lapse, up to {@link #WAIT}.
 *
 * <p>Fail-closed: when the coordination store does not answer, no request works on an upload (503
 * with {@code Retry-After}); an append whose lease lapses stops at its durable offset. Thread-safe.
 */
final class UploadLeases implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UploadLeases.class);

  /** How long a request waits for another to release an upload: beyond a dead node's lease. */
  static final Duration WAIT = Duration.ofSeconds(30);

  private final Coordination coordination;
  private final boolean own; // opened here, closed by close()

  private UploadLeases(Coordination coordination, boolean own) {
    this.coordination = coordination;
    this.own = own;
  }

  /** The leases of the cluster {@code cluster} is a node of, or of this process when it is null. */
  static UploadLeases of(Cluster cluster) {
    return cluster == null
        ? new UploadLeases(LocalCoordination.open(CoordinationOptions.defaults()), true)
        : new UploadLeases(cluster.coordination(), false);
  }

  /** Over {@code coordination}, which the caller keeps and closes. */
  static UploadLeases over(Coordination coordination) {
    return new UploadLeases(coordination, false);
  }

  /**
   * Takes the lease on upload {@code id}, asking its holder to release it and waiting up to {@link
   * #WAIT}.
   *
   * @throws HttpProblem 423 when it stayed taken; 503 when the coordination store does not answer
   * @throws InterruptedIOException if interrupted while waiting
   */
  UploadHold hold(String id) throws InterruptedIOException {
    UploadHold hold = new UploadHold(id);
    Lease lease;
    try {
      lease = coordination.acquire(name(id), WAIT, hold::stop);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for the lease on upload " + id);
    } catch (CoordinationException e) {
      LOG.warn("no lease on upload {}: {}", id, e.getMessage());
      throw UploadHold.lostProblem(id);
    }
    if (lease == null) {
      throw new HttpProblem(
          423,
          "another request to upload " + id + " did not end within " + WAIT.toSeconds() + " s",
          Map.of("Retry-After", "1"));
    }
    hold.attach(lease);
    return hold;
  }

  /**
   * Takes the lease on upload {@code id} if it is free, without asking anyone: null when another
   * request holds it, or the coordination store does not answer (a sweeper tries again later).
   */
  UploadHold holdIfFree(String id) {
    UploadHold hold = new UploadHold(id);
    try {
      Lease lease = coordination.tryAcquire(name(id), hold::stop);
      if (lease == null) {
        return null;
      }
      hold.attach(lease);
      return hold;
    } catch (CoordinationException e) {
      LOG.warn("no lease on upload {}: {}", id, e.getMessage());
      return null;
    }
  }

  private static String name(String id) {
    return "upload:" + id;
  }

  @Override
  public void close() {
    if (own) {
      coordination.close();
    }
  }
}
