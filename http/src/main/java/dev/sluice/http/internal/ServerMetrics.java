package dev.sluice.http.internal;

import dev.sluice.core.AbortReason;
import dev.sluice.core.job.JobRegistry;
import dev.sluice.core.job.MemoryBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * The server's meters, scraped as Prometheus text at {@code /metrics}: bytes in and out, active
 * transfers, per-transfer throughput, chunk-write latency, scheduler lag, aborts by reason and
 * range requests by kind.
 */
public final class ServerMetrics {

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Timer chunkWrite;
  private final DistributionSummary throughput;

  public ServerMetrics(JobRegistry jobs) {
    this(jobs, null);
  }

  /**
   * Meters for one node of a cluster: every meter carries a {@code node} label with {@code node}'s
   * id (none when {@code node} is null: a server alone).
   */
  public ServerMetrics(JobRegistry jobs, String node) {
    if (node != null) {
      registry.config().commonTags("node", node);
    }
    bytesIn =
        Counter.builder("sluice.bytes.in")
            .baseUnit("bytes")
            .description("Bytes received in upload bodies")
            .register(registry);
    bytesOut =
        Counter.builder("sluice.bytes.out")
            .baseUnit("bytes")
            .description("Bytes sent in download bodies")
            .register(registry);
    chunkWrite =
        Timer.builder("sluice.chunk.write")
            .description("Time to write one chunk to the sink (upload) or the client (download)")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    throughput =
        DistributionSummary.builder("sluice.transfer.throughput")
            .baseUnit("mebibytes.per.second")
            .description("Throughput of each finished transfer")
            .register(registry);
    for (Direction d : Direction.values()) {
      Gauge.builder("sluice.transfers.active", jobs, j -> j.count(d.kind()))
          .tag("direction", name(d))
          .description("Transfers running now")
          .register(registry);
    }
  }

  private static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /**
   * Counts one event of a resumable upload (tus or IETF): {@code created}, {@code resumed} (an
   * offset asked for to continue an incomplete upload), {@code completed}, {@code cancelled} or
   * {@code expired}.
   */
  public void resumableUpload(String event) {
    Counter.builder("sluice.uploads.resumable")
        .tag("event", event)
        .description("Resumable uploads by event: created, resumed, completed, cancelled, expired")
        .register(registry)
        .increment();
  }

  /**
   * Publishes the resumable uploads in progress (incomplete, as of the last sweep) and those
   * receiving bytes now.
   */
  public void resumableUploads(DoubleSupplier inProgress, DoubleSupplier appending) {
    Gauge.builder("sluice.uploads.in.progress", inProgress, DoubleSupplier::getAsDouble)
        .description("Incomplete resumable uploads in the store, as of the last sweep")
        .register(registry);
    Gauge.builder("sluice.uploads.appending", appending, DoubleSupplier::getAsDouble)
        .description("Resumable uploads receiving bytes now")
        .register(registry);
  }

  /**
   * Publishes admission control: the memory budget and what of it is reserved, requests waiting to
   * be admitted, the transfer and open-file caps, and refusals by the limit that was reached.
   */
  public void admission(Admission admission) {
    Gauge.builder("sluice.memory.budget", admission, a -> a.memory().capacity())
        .baseUnit("bytes")
        .description("Payload memory all transfers together may hold")
        .register(registry);
    Gauge.builder("sluice.memory.used", admission, a -> a.memory().used())
        .baseUnit("bytes")
        .description("Payload memory reserved by running transfers")
        .register(registry);
    Gauge.builder("sluice.memory.direct", MemoryBudget::directMemoryUsed)
        .baseUnit("bytes")
        .description("Direct memory the process holds (payload, idle pooled and network buffers)")
        .register(registry);
    Gauge.builder("sluice.admission.waiting", admission, Admission::waiting)
        .description("Requests waiting to be admitted")
        .register(registry);
    Gauge.builder("sluice.admission.running", admission, Admission::running)
        .description("Transfers admitted and running")
        .register(registry);
    Gauge.builder("sluice.admission.max.transfers", admission, Admission::maxTransfers)
        .description("The most transfers admitted at once")
        .register(registry);
    Gauge.builder("sluice.admission.max.open.files", admission, Admission::maxOpenFiles)
        .description("The most store files transfers hold open at once")
        .register(registry);
    for (String limit : new String[] {"transfers", "files", "memory", "queue"}) {
      FunctionCounter.builder("sluice.admission.refused", admission, a -> a.refused(limit))
          .tag("limit", limit)
          .description("Requests refused with 503 because a limit was reached")
          .register(registry);
    }
  }

  /**
   * Publishes the cluster's state: the live nodes, whether the coordination store answered the last
   * heartbeat, and whether downloads share the global rate (1) or pace to this node's share because
   * the store does not answer (0).
   */
  public void cluster(Cluster cluster) {
    Gauge.builder("sluice.cluster.nodes", cluster, Cluster::liveNodes)
        .description("Nodes with a recent heartbeat in the coordination store")
        .register(registry);
    Gauge.builder("sluice.coordination.reachable", cluster, c -> c.reachable() ? 1 : 0)
        .description("1 when the coordination store answered the last heartbeat")
        .register(registry);
    Gauge.builder("sluice.throttle.shared", cluster, c -> c.sharingGlobalRate() ? 1 : 0)
        .description("1 when downloads share the cluster's global rate, 0 on this node's share")
        .register(registry);
  }

  /** Publishes a scheduler-lag figure (seconds) under {@code sluice_scheduler_lag_seconds}. */
  public void schedulerLag(String statistic, DoubleSupplier seconds) {
    Gauge.builder("sluice.scheduler.lag", () -> seconds.getAsDouble()) // held strongly
        .tag("statistic", statistic)
        .baseUnit("seconds")
        .description("How late a periodic virtual-thread wake-up ran")
        .register(registry);
  }

  public void bytesIn(long n) {
    bytesIn.increment(n);
  }

  public void bytesOut(long n) {
    bytesOut.increment(n);
  }

  public void chunkWritten(long nanos) {
    chunkWrite.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A transfer ended: committed ({@code reason} null) or aborted with {@code reason}. */
  public void ended(Direction direction, AbortReason reason, long bytes, Duration took) {
    registry
        .counter(
            "sluice.transfers",
            "direction",
            name(direction),
            "outcome",
            reason == null ? "committed" : "aborted")
        .increment();
    if (reason != null) {
      registry
          .counter("sluice.aborts", "direction", name(direction), "reason", reason.name())
          .increment();
    } else if (took.toNanos() > 0) {
      throughput.record(bytes / (1024.0 * 1024.0) / (took.toNanos() / 1e9));
    }
  }

  /** A download that carried a Range header; {@code kind} is single, multiple, unsatisfiable… */
  public void rangeRequest(String kind) {
    registry.counter("sluice.range.requests", "kind", kind).increment();
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
