package dev.sluice.http.internal;

import dev.sluice.core.AbortReason;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.http.internal.Transfers.Direction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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

  public ServerMetrics(Transfers transfers) {
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
      Gauge.builder("sluice.transfers.active", transfers, t -> t.count(d))
          .tag("direction", name(d))
          .description("Transfers running now")
          .register(registry);
    }
  }

  private static String name(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
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

  /** Bytes received in upload bodies since start-up. */
  public double bytesInTotal() {
    return bytesIn.count();
  }

  /** Bytes sent in download bodies since start-up. */
  public double bytesOutTotal() {
    return bytesOut.count();
  }

  /** Chunks written since start-up. */
  public long chunkWrites() {
    return chunkWrite.count();
  }

  /** The time all chunk writes since start-up took together, in nanoseconds. */
  public double chunkWriteNanosTotal() {
    return chunkWrite.totalTime(TimeUnit.NANOSECONDS);
  }

  /** The slowest chunk write of the recent past (Micrometer's decaying maximum), in nanoseconds. */
  public double chunkWriteMaxNanos() {
    return chunkWrite.max(TimeUnit.NANOSECONDS);
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
}
