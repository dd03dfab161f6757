package dev.sluice.coord;

import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * The store the nodes of a cluster coordinate through (Redis or PostgreSQL): leases per name that a
 * waiting node can ask back, the list of live nodes, once-per-cluster sweeps and token buckets
 * shared by all nodes. Nothing here is a protocol of its own: each operation is one or two commands
 * of the store, and the store's own expiry ends the leases of a node that died.
 *
 * {@snippet :
 * try (Coordination coord = Coordination.open("redis://127.0.0.1:6379", CoordinationOptions.defaults())) {
 *   try (Lease lease = coord.acquire("upload:42", Duration.ofSeconds(5), held -> stopAppending())) {
 *     if (lease != null) {
 *       append(); // no other node appends to upload 42 while the lease is held
 *     }
 *   }
 * }
 * }
 *
 * <p>Thread-safe; open one per process. {@link #close()} releases the leases this node still holds
 * and withdraws its registration.
 */
public interface Coordination extends AutoCloseable {

  /**
   * Opens the coordination store at {@code url}: {@code redis://[user:password@]host[:port][/db]}
   * ({@code rediss://} for TLS) or {@code jdbc:postgresql://…}. A {@code namespace=NAME} query
   * parameter overrides the options' namespace, so that clusters can share one store.
   *
   * @throws IllegalArgumentException if no provider accepts {@code url}, or it is malformed
   * @throws CoordinationException if the store does not answer
   */
  static Coordination open(String url, CoordinationOptions options) {
    java.util.regex.Matcher ns =
        java.util.regex.Pattern.compile("([?&])namespace=([^&]*)&?").matcher(url);
    if (ns.find()) {
      options = options.withNamespace(ns.group(2));
      String rest = url.substring(0, ns.start()) + ns.group(1) + url.substring(ns.end());
      url = rest.endsWith("?") || rest.endsWith("&") ? rest.substring(0, rest.length() - 1) : rest;
    }
    for (CoordinationProvider provider :
        ServiceLoader.load(CoordinationProvider.class, Coordination.class.getClassLoader())) {
      if (provider.accepts(url)) {
        return provider.open(url, options);
      }
    }
    throw new IllegalArgumentException(
        "coordination store must be redis://, rediss:// or jdbc:postgresql://: "
            + dev.sluice.core.Secrets.redact(url));
  }

  /** This node's id, unique in the cluster (from the options, or generated). */
  String nodeId();

  /**
   * Takes the lease on {@code name} if nobody (this node included) holds it. While held it is
   * renewed in the background; {@code onReleaseRequested} runs, once, on a virtual thread of its
   * own when another node {@linkplain #requestRelease asks for the lease} or when the lease is lost
   * (then {@link Lease#held()} is false): the holder should end its work cleanly and close the
   * lease.
   *
   * @return the lease, or null when another holds it
   * @throws CoordinationException if the store does not answer
   */
  Lease tryAcquire(String name, Consumer<Lease> onReleaseRequested);

  /** Asks the holder of {@code name}, if any, to end its work and release it. */
  void requestRelease(String name);

  /**
   * Takes the lease on {@code name}, asking its holder to release it and retrying until {@code
   * timeout}; a holder that died loses it after the lease time.
   *
   * @return the lease, or null if it was not free within {@code timeout}
   * @throws InterruptedException if interrupted while waiting
   */
  Lease acquire(String name, Duration timeout, Consumer<Lease> onReleaseRequested)
      throws InterruptedException;

  /**
   * Registers or refreshes this node: it stays in {@link #liveNodes()} for the options' node TTL
   * after this call. Call it every heartbeat.
   */
  void publish(NodeInfo self);

  /** The nodes whose last {@link #publish} is younger than their TTL, ordered by id. */
  List<NodeInfo> liveNodes();

  /**
   * Claims the sweep {@code name} for the next {@code period}: true for exactly one caller in the
   * cluster per period, which then runs the sweep; false for every other node.
   */
  boolean claimSweep(String name, Duration period);

  /**
   * A token bucket shared by every node, {@code ratePerSecond} tokens a second up to {@code burst}:
   * each call on it is a round trip to the store. Calls throw {@link RuntimeException}s of the
   * client library while the store is unreachable; the caller decides what to do then.
   */
  Bucket sharedBucket(String name, long ratePerSecond, long burst);

  /** One round trip to the store: whether it answers, and how fast. Never throws. */
  Probe probe();

  /** The store's address without credentials, for logs and the startup line. */
  String describe();

  /** Releases the leases still held, withdraws this node's registration, closes connections. */
  @Override
  void close();
}
