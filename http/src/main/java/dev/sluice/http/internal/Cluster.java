package dev.sluice.http.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.coord.Coordination;
import dev.sluice.coord.CoordinationException;
import dev.sluice.coord.CoordinationOptions;
import dev.sluice.coord.NodeInfo;
import dev.sluice.coord.Probe;
import dev.sluice.core.job.JobRegistry;
import dev.sluice.http.ServerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server as one node of a cluster ({@code --coord}): it publishes itself and its transfers to
 * the coordination store every {@link #HEARTBEAT}, gives the global rate's tokens from the bucket
 * all nodes share, lists every live node's transfers for {@code /jobs?scope=cluster}, runs sweeps
 * once per cluster and answers whether the store is reachable (for a readiness probe). Thread-safe;
 * closed by the server's shutdown.
 */
public final class Cluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How often a node publishes itself; it is listed for {@link #NODE_TTL} after. */
  static final Duration HEARTBEAT = Duration.ofSeconds(1);

  static final Duration NODE_TTL = Duration.ofSeconds(5);

  /** The most transfers a node lists in its heartbeat (its count is always exact). */
  static final int MAX_LISTED = 500;

  private final Coordination coordination;
  private final JobRegistry transfers;
  private final Instant startedAt = Instant.now();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("sluice-cluster").factory());
  private volatile String address = "";
  private volatile int liveNodes = 1;
  private volatile boolean reachable = true;
  private volatile ClusterTokens globalTokens;

  private Cluster(Coordination coordination, JobRegistry transfers) {
    this.coordination = coordination;
    this.transfers = transfers;
  }

  /**
   * Joins the cluster whose store is {@code config.coord()}.
   *
   * @throws CoordinationException if the store does not answer (a node does not start without it)
   */
  public static Cluster join(ServerConfig config, JobRegistry transfers) {
    CoordinationOptions options =
        CoordinationOptions.defaults().withNodeId(config.nodeId()).withNodeTtl(NODE_TTL);
    return new Cluster(Coordination.open(config.coord(), options), transfers);
  }

  /** The pacing of downloads, the global rate shared by every node of the cluster. */
  public Throttle throttle(ServerConfig config) {
    long rate = config.globalRate();
    if (rate > 0) {
      long burst = Throttle.globalBurst(rate);
      globalTokens =
          new ClusterTokens(
              coordination.sharedBucket("global-rate-" + rate, rate, burst),
              rate,
              burst,
              () -> liveNodes);
    }
    return new Throttle(rate, config.defaultRate(), config.maxRate(), globalTokens);
  }

  /** Starts the heartbeats, announcing {@code baseUrl} as this node's address. */
  public void start(String baseUrl) {
    this.address = baseUrl;
    heartbeat();
    long every = HEARTBEAT.toMillis();
    timer.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
  }

  private void heartbeat() {
    try {
      List<Map<String, Object>> listed = TransferRow.listing(transfers);
      int count = listed.size();
      if (listed.size() > MAX_LISTED) {
        listed = listed.subList(0, MAX_LISTED);
      }
      coordination.publish(
          new NodeInfo(nodeId(), address, startedAt, count, JSON.writeValueAsString(listed)));
      liveNodes = Math.max(1, coordination.liveNodes().size());
      if (!reachable) {
        LOG.warn("the coordination store {} answers again", coordination.describe());
      }
      reachable = true;
    } catch (CoordinationException | com.fasterxml.jackson.core.JsonProcessingException e) {
      if (reachable) {
        LOG.warn("heartbeat failed: {}", e.getMessage());
      }
      reachable = false;
    } catch (RuntimeException e) {
      LOG.warn("heartbeat failed: {}", e.toString());
      reachable = false;
    }
  }

  /** This node's id in the cluster. */
  public String nodeId() {
    return coordination.nodeId();
  }

  /** The coordination store, for leases (e.g. on an upload) and sweeps. */
  public Coordination coordination() {
    return coordination;
  }

  /** The nodes seen live at the last heartbeat, this one included. */
  public int liveNodes() {
    return liveNodes;
  }

  /** Whether the store answered the last heartbeat. */
  public boolean reachable() {
    return reachable;
  }

  /** False while this node paces downloads to its share because the store does not answer. */
  public boolean sharingGlobalRate() {
    ClusterTokens tokens = globalTokens;
    return tokens == null || !tokens.degraded();
  }

  /**
   * One round trip to the coordination store, for a readiness answer: a node whose store does not
   * answer still serves, but cannot take new leases.
   */
  public Probe probe() {
    return coordination.probe();
  }

  /**
   * Runs {@code sweep} every {@code period} on one node of the cluster only: each node tries to
   * claim the period, and the one that does runs it.
   */
  public void sweepOncePerCluster(String name, Duration period, Runnable sweep) {
    long every = period.toMillis();
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            if (coordination.claimSweep(name, period)) {
              Thread.ofVirtual().name("sluice-sweep-" + name).start(sweep);
            }
          } catch (RuntimeException e) {
            LOG.warn("sweep {} skipped: {}", name, e.getMessage());
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /**
   * The answer of {@code /jobs?scope=...}: {@code node} (or none) the transfers of this server;
   * {@code cluster} those of every live node, this one's as they are now, the others' as of their
   * last heartbeat (at most {@link #HEARTBEAT} old). A server without {@code --coord} is a cluster
   * of one.
   *
   * @throws HttpProblem 400 for another scope
   */
  public static Map<String, Object> jobs(ServerContext context, String scope) {
    if (scope == null || scope.isEmpty() || scope.equals("node")) {
      return Map.of("transfers", TransferRow.listing(context.registry()));
    }
    if (!scope.equals("cluster")) {
      throw new HttpProblem(400, "scope must be node or cluster: " + scope);
    }
    Cluster cluster = context.cluster();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("scope", "cluster");
    List<Map<String, Object>> nodes = new ArrayList<>();
    if (cluster == null) {
      nodes.add(node("local", "", null, TransferRow.listing(context.registry())));
      out.put("complete", true);
    } else {
      cluster.listInto(nodes, context.registry(), out);
    }
    out.put("nodes", nodes);
    return out;
  }

  private void listInto(
      List<Map<String, Object>> nodes, JobRegistry local, Map<String, Object> out) {
    List<NodeInfo> live;
    try {
      live = coordination.liveNodes();
      out.put("complete", true);
    } catch (CoordinationException e) {
      live = List.of();
      out.put("complete", false);
      out.put("problem", "the coordination store does not answer: only this node is listed");
    }
    boolean self = false;
    for (NodeInfo info : live) {
      if (info.id().equals(nodeId())) {
        self = true;
        nodes.add(node(info.id(), info.address(), info.startedAt(), TransferRow.listing(local)));
      } else {
        nodes.add(node(info.id(), info.address(), info.startedAt(), parse(info)));
      }
    }
    if (!self) {
      nodes.add(node(nodeId(), address, startedAt, TransferRow.listing(local)));
    }
  }

  private static List<Map<String, Object>> parse(NodeInfo info) {
    try {
      return JSON.readValue(info.detail(), new TypeReference<List<Map<String, Object>>>() {});
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warn("node {} published transfers that are not a JSON list", info.id());
      return List.of();
    }
  }

  private static Map<String, Object> node(
      String id, String address, Instant started, List<Map<String, Object>> transfers) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("node", id);
    node.put("address", address);
    node.put("startedAt", started == null ? null : started.toString());
    node.put("transfers", transfers);
    return node;
  }

  /** Stops the heartbeats; releases this node's leases and withdraws it from the store. */
  @Override
  public void close() {
    timer.shutdownNow();
    coordination.close();
  }
}
