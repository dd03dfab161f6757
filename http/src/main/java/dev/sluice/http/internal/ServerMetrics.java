package dev.sluice.http.internal;

import dev.sluice.core.AbortReason;
import dev.sluice.core.job.JobRegistry;
import dev.sluice.core.job.MemoryBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * The server's meters, scraped as Prometheus text at {@code /metrics}: bytes in and out, active
 * transfers, per-transfer throughput, chunk-write latency, scheduler lag, aborts by reason and
 * range requests by kind; and the JVM's and the process's (memory pools, buffer pools, GC, threads,
 * classes, CPU, open files). Every counter is there, at zero, from start-up; every series has a
 * HELP text. {@link #close} unhooks the GC listener.
 */
public final class ServerMetrics implements AutoCloseable {

  /**
   * The pipeline label of a transfer that adds nothing to what every transfer does (an upload's
   * SHA-256 and size limit; a download's plain copy).
   */
  public static final String BASELINE = "baseline";

  /** The sink label of a download's chunk writes: the client's connection. */
  public static final String CLIENT = "client";

  /** The kinds of range request counted by {@link #rangeRequest}. */
  static final List<String> RANGE_KINDS =
      List.of("single", "multiple", "unsatisfiable", "ignored", "conditional");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Counter bytesOutDirect;
  private final Map<String, Timer> chunkWrite = new ConcurrentHashMap<>();
  private final JvmGcMetrics gc = new JvmGcMetrics();

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
        Counter.builder("sluice.received")
            .baseUnit("bytes")
            .description("Bytes received in upload bodies")
            .register(registry);
    bytesOut =
        Counter.builder("sluice.sent")
            .baseUnit("bytes")
            .description("Bytes sent in download bodies")
            .register(registry);
    bytesOutDirect =
        Counter.builder("sluice.sent.direct")
            .baseUnit("bytes")
            .description(
                "Bytes of download bodies the kernel sent from the store's file straight to the"
                    + " client's socket (sendfile, no copy through the server); a part of"
                    + " sluice_sent")
            .register(registry);
    chunkWriteTimer(Direction.DOWNLOAD, CLIENT);
    for (Direction d : Direction.values()) {
      throughput(d, BASELINE);
      Gauge.builder("sluice.transfers.active", jobs, j -> j.count(d.kind()))
          .tag("direction", name(d))
          .description("Transfers running now")
          .register(registry);
      for (String outcome : new String[] {"committed", "aborted"}) {
        transfersEnded(d, outcome);
      }
      for (AbortReason reason : AbortReason.values()) {
        aborts(d, reason);
      }
    }
    for (String kind : RANGE_KINDS) {
      rangeRequests(kind);
    }
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /**
   * The throughput of committed transfers in {@code direction} whose pipeline is {@code pipeline}:
   * {@link #BASELINE}, or the transforms applied (e.g. {@code sha512}, {@code gzip}).
   */
  private DistributionSummary throughput(Direction direction, String pipeline) {
    return DistributionSummary.builder("sluice.transfer.throughput")
        .baseUnit("mebibytes.per.second")
        .tag("direction", name(direction))
        .tag("pipeline", pipeline)
        .description(
            "Throughput of each committed transfer, by its pipeline: baseline (what every transfer"
                + " does) or the transforms it added")
        .register(registry);
  }

  private Counter transfersEnded(Direction direction, String outcome) {
    return Counter.builder("sluice.transfers")
        .tag("direction", name(direction))
        .tag("outcome", outcome)
        .description("Transfers ended, by outcome: committed (complete) or aborted")
        .register(registry);
  }

  private Counter aborts(Direction direction, AbortReason reason) {
    return Counter.builder("sluice.aborts")
        .tag("direction", name(direction))
        .tag("reason", reason.name())
        .description("Transfers aborted, by reason")
        .register(registry);
  }

  private Counter rangeRequests(String kind) {
    return Counter.builder("sluice.range.requests")
        .tag("kind", kind)
        .description(
            "Downloads that carried a Range header, by what was answered: single, multiple"
                + " (multipart/byteranges), unsatisfiable (416), ignored (full body), conditional"
                + " (304/412)")
        .register(registry);
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

  /** Counts a sweep of expired uploads this node ran (a cluster runs one a period, on one node). */
  public void uploadSweep() {
    Counter.builder("sluice.upload.sweeps")
        .description("Sweeps of expired resumable uploads run by this node")
        .register(registry)
        .increment();
  }

  /**
   * Publishes the resumable uploads in progress (incomplete, as of the last sweep) and those
   * receiving bytes now.
   */
  public void resumableUploads(DoubleSupplier inProgress, DoubleSupplier appending) {
    // strong references: the suppliers are lambdas nothing else holds, and a gauge's weak
    // reference to a collected one reads NaN
    Gauge.builder("sluice.uploads.in.progress", inProgress, DoubleSupplier::getAsDouble)
        .description("Incomplete resumable uploads in the store, as of the last sweep")
        .strongReference(true)
        .register(registry);
    Gauge.builder("sluice.uploads.appending", appending, DoubleSupplier::getAsDouble)
        .description("Resumable uploads receiving bytes now")
        .strongReference(true)
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
    Gauge.builder("sluice.memory.held", admission, a -> a.memory().held())
        .baseUnit("bytes")
        .description(
            "Payload memory running transfers hold in buffers now (paced downloads only while they"
                + " copy)")
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

  /** {@code n} bytes of a download body were sent with sendfile: counted in both byte counters. */
  public void bytesOutDirect(long n) {
    bytesOut.increment(n);
    bytesOutDirect.increment(n);
  }

  /**
   * One chunk of a transfer in {@code direction} took {@code nanos} to write to {@code sink}: the
   * store's kind for an upload ({@link #sinkOf}), {@link #CLIENT} for a download.
   */
  public void chunkWritten(Direction direction, String sink, long nanos) {
    chunkWriteTimer(direction, sink).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Registers (once) the chunk-write latency of {@code direction} into {@code sink}, at zero. */
  public Timer chunkWriteTimer(Direction direction, String sink) {
    return chunkWrite.computeIfAbsent(
        name(direction) + "/" + sink,
        k ->
            Timer.builder("sluice.chunk.write")
                .tag("direction", name(direction))
                .tag("sink", sink)
                .description(
                    "Time to write one chunk to the sink: the store (upload) or the client's"
                        + " connection (download)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry));
  }

  /**
   * The sink label of a store: the scheme its description starts with ({@code file}, {@code s3},
   * {@code jdbc}, {@code redis}), or {@code store} when there is none.
   */
  public static String sinkOf(String storeDescription) {
    int colon = storeDescription == null ? -1 : storeDescription.indexOf(':');
    String scheme = colon <= 0 ? "" : storeDescription.substring(0, colon);
    return scheme.matches("[a-z][a-z0-9+.-]{0,15}") ? scheme : "store";
  }

  /**
   * A transfer with the {@link #BASELINE} pipeline ended; see {@link #ended(Direction, AbortReason,
   * long, Duration, String)}.
   */
  public void ended(Direction direction, AbortReason reason, long bytes, Duration took) {
    ended(direction, reason, bytes, took, BASELINE);
  }

  /**
   * A transfer ended: committed ({@code reason} null) or aborted with {@code reason}; {@code
   * pipeline} names the transforms it added to the baseline, from a small fixed set (a label).
   */
  public void ended(
      Direction direction, AbortReason reason, long bytes, Duration took, String pipeline) {
    transfersEnded(direction, reason == null ? "committed" : "aborted").increment();
    if (reason != null) {
      aborts(direction, reason).increment();
    } else if (took.toNanos() > 0) {
      throughput(direction, pipeline).record(bytes / (1024.0 * 1024.0) / (took.toNanos() / 1e9));
    }
  }

  /** A download that carried a Range header; {@code kind} is single, multiple, unsatisfiable… */
  public void rangeRequest(String kind) {
    rangeRequests(kind).increment();
  }

  /** Bytes received in upload bodies since start-up. */
  public double bytesInTotal() {
    return bytesIn.count();
  }

  /** Bytes sent in download bodies since start-up. */
  public double bytesOutTotal() {
    return bytesOut.count();
  }

  /** Bytes of download bodies sent with sendfile since start-up. */
  public double bytesOutDirectTotal() {
    return bytesOutDirect.count();
  }

  /** Chunks written since start-up. */
  public long chunkWrites() {
    return chunkWrite.values().stream().mapToLong(Timer::count).sum();
  }

  /** The time all chunk writes since start-up took together, in nanoseconds. */
  public double chunkWriteNanosTotal() {
    return chunkWrite.values().stream().mapToDouble(t -> t.totalTime(TimeUnit.NANOSECONDS)).sum();
  }

  /** The slowest chunk write of the recent past (Micrometer's decaying maximum), in nanoseconds. */
  public double chunkWriteMaxNanos() {
    return chunkWrite.values().stream()
        .mapToDouble(t -> t.max(TimeUnit.NANOSECONDS))
        .max()
        .orElse(0);
  }

  /**
   * The count of each {@code name} counter by the value of its tag {@code tag}, e.g. the aborts by
   * reason; a series of the same tag value (other tags differing) is summed.
   */
  public Map<String, Double> countsBy(String name, String tag) {
    Map<String, Double> out = new TreeMap<>();
    for (Counter c : registry.find(name).counters()) {
      out.merge(c.getId().getTag(tag), c.count(), Double::sum);
    }
    return out;
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** Unhooks the GC notification listener. */
  @Override
  public void close() {
    gc.close();
  }
}
