package dev.sluice.coord;

import java.time.Duration;
import java.util.UUID;

/**
 * How a {@link Coordination} leases and registers.
 *
 * @param nodeId this node's id in the cluster; null generates one
 * @param leaseTime how long a lease outlives its holder's last renewal
 * @param renewEvery how often a held lease is renewed (less than {@code leaseTime})
 * @param nodeTtl how long a node stays listed after its last heartbeat
 * @param namespace prefix of every key, table and channel name, so clusters can share a store
 * @param connectTimeout how long connecting to the store may take before it counts as unreachable
 */
public record CoordinationOptions(
    String nodeId,
    Duration leaseTime,
    Duration renewEvery,
    Duration nodeTtl,
    String namespace,
    Duration connectTimeout) {

  public CoordinationOptions {
    if (nodeId == null || nodeId.isBlank()) {
      nodeId = UUID.randomUUID().toString().substring(0, 8);
    }
    if (leaseTime.toMillis() < 50) {
      throw new IllegalArgumentException("leaseTime must be >= 50ms: " + leaseTime);
    }
    if (renewEvery.isNegative() || renewEvery.isZero()) {
      throw new IllegalArgumentException("renewEvery must be > 0: " + renewEvery);
    }
    if (!namespace.matches("[a-z][a-z0-9_]{0,30}")) {
      throw new IllegalArgumentException(
          "namespace must be a lower-case identifier of at most 31 characters: " + namespace);
    }
  }

  /** Lease 10 s renewed every 3 s, node TTL 10 s, namespace {@code sluice}, connect 2 s. */
  public static CoordinationOptions defaults() {
    return new CoordinationOptions(
        null,
        Duration.ofSeconds(10),
        Duration.ofSeconds(3),
        Duration.ofSeconds(10),
        "sluice",
        Duration.ofSeconds(2));
  }

  public CoordinationOptions withNodeId(String id) {
    return new CoordinationOptions(id, leaseTime, renewEvery, nodeTtl, namespace, connectTimeout);
  }

  /** The lease time, renewed every third of it. */
  public CoordinationOptions withLeaseTime(Duration lease) {
    return new CoordinationOptions(
        nodeId, lease, lease.dividedBy(3), nodeTtl, namespace, connectTimeout);
  }

  public CoordinationOptions withRenewEvery(Duration every) {
    return new CoordinationOptions(nodeId, leaseTime, every, nodeTtl, namespace, connectTimeout);
  }

  public CoordinationOptions withNodeTtl(Duration ttl) {
    return new CoordinationOptions(nodeId, leaseTime, renewEvery, ttl, namespace, connectTimeout);
  }

  public CoordinationOptions withNamespace(String name) {
    return new CoordinationOptions(nodeId, leaseTime, renewEvery, nodeTtl, name, connectTimeout);
  }

  public CoordinationOptions withConnectTimeout(Duration timeout) {
    return new CoordinationOptions(nodeId, leaseTime, renewEvery, nodeTtl, namespace, timeout);
  }
}
