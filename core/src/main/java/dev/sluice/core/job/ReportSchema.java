package dev.sluice.core.job;

import dev.sluice.core.Secrets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON shape of an {@link IngestionReport}, shared by the CLI's {@code --json} and the
 * server's answer to an upload (its {@code report} field), as a map of plain values (strings,
 * numbers, maps) any JSON writer prints. Locations and the pipeline are shown with credentials
 * masked. Stateless; safe from any thread.
 *
 * <p>Fields: {@code outcome} ({@code COMMITTED} or {@code ABORTED}), {@code reason} (an {@link
 * dev.sluice.core.AbortReason} or null), {@code pipeline}, {@code bytesIn}, {@code bytesOut},
 * {@code chunks}, {@code durationSeconds}, {@code mibPerSecond}, {@code chunkWriteLatencyMillis}
 * and {@code schedulerLagMillis} ({@code p50}, {@code p99}, {@code max}; the latter null when no
 * probe measured it), {@code maxInFlight} (chunks), {@code stageMillis} (per stage), {@code
 * digests} (hex by algorithm) and {@code receipt} ({@code location}, {@code details}; null when
 * aborted).
 */
public final class ReportSchema {

  /** The field names, in the order {@link #fields} puts them. */
  public static final List<String> FIELDS =
      List.of(
          "outcome",
          "reason",
          "pipeline",
          "bytesIn",
          "bytesOut",
          "chunks",
          "durationSeconds",
          "mibPerSecond",
          "chunkWriteLatencyMillis",
          "schedulerLagMillis",
          "maxInFlight",
          "stageMillis",
          "digests",
          "receipt");

  private ReportSchema() {}

  /** {@code report} as the shared schema's fields, in {@link #FIELDS} order. */
  public static Map<String, Object> fields(IngestionReport report) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("outcome", report.outcome().name());
    out.put("reason", report.reason() == null ? null : report.reason().name());
    out.put("pipeline", Secrets.redact(report.pipeline()));
    out.put("bytesIn", report.bytesIn());
    out.put("bytesOut", report.bytesOut());
    out.put("chunks", report.chunks());
    out.put("durationSeconds", report.duration().toNanos() / 1e9);
    out.put("mibPerSecond", report.mibPerSecond());
    out.put("chunkWriteLatencyMillis", millis(report.chunkWriteLatency()));
    out.put(
        "schedulerLagMillis",
        report.schedulerLag().equals(Latency.NONE) ? null : millis(report.schedulerLag()));
    out.put("maxInFlight", report.maxInFlight());
    Map<String, Double> stages = new LinkedHashMap<>();
    report.stageTimes().forEach((stage, time) -> stages.put(stage, time.toNanos() / 1e6));
    out.put("stageMillis", stages);
    out.put("digests", new LinkedHashMap<>(report.digests()));
    if (report.receipt() == null) {
      out.put("receipt", null);
    } else {
      Map<String, Object> receipt = new LinkedHashMap<>();
      receipt.put("location", Secrets.redact(report.receipt().location()));
      receipt.put("details", report.receipt().details());
      out.put("receipt", receipt);
    }
    return out;
  }

  private static Map<String, Double> millis(Latency latency) {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("p50", latency.p50Nanos() / 1e6);
    out.put("p99", latency.p99Nanos() / 1e6);
    out.put("max", latency.maxNanos() / 1e6);
    return out;
  }
}
