package dev.sluice.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.ByteSize;
import dev.sluice.core.Decimals;
import dev.sluice.core.Secrets;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.core.job.Latency;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prints an {@link IngestionReport} as the summary line or as JSON ({@code --json}). */
final class ReportFormat {

  private ReportFormat() {}

  /**
   * One line: bytes, duration, MiB/s, where the data went and the digests, e.g. {@code 1.0 GiB
   * (1073741824 bytes) in 0.912 s, 1122.8 MiB/s → /data/copy.bin, sha256 9f86…}.
   */
  static String summary(IngestionReport report) {
    StringBuilder line =
        new StringBuilder()
            .append(ByteSize.format(report.bytesIn()))
            .append(" (")
            .append(report.bytesIn())
            .append(" bytes) in ")
            .append(Decimals.fixed(seconds(report.duration()), 3))
            .append(" s, ")
            .append(Decimals.fixed(report.mibPerSecond(), 1))
            .append(" MiB/s");
    if (report.bytesOut() != report.bytesIn()) {
      line.append(", wrote ").append(report.bytesOut()).append(" bytes");
    }
    if (report.receipt() != null) {
      line.append(" → ").append(report.receipt().location());
    }
    report
        .digests()
        .forEach((algorithm, hex) -> line.append(", ").append(algorithm).append(' ').append(hex));
    return line.toString();
  }

  /**
   * The report as one JSON object; {@code error} is the one-line reason of a failure or null.
   * Locations are shown with their credentials masked.
   */
  static String json(IngestionReport report, String source, String destination, String error) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("outcome", report.outcome().name());
    json.put("reason", report.reason() == null ? null : report.reason().name());
    json.put("error", Secrets.redact(error));
    json.put("source", Secrets.redact(source));
    json.put("destination", Secrets.redact(destination));
    json.put("pipeline", Secrets.redact(report.pipeline()));
    json.put("bytesIn", report.bytesIn());
    json.put("bytesOut", report.bytesOut());
    json.put("chunks", report.chunks());
    json.put("durationSeconds", seconds(report.duration()));
    json.put("mibPerSecond", report.mibPerSecond());
    json.put("chunkWriteLatencyMillis", latency(report.chunkWriteLatency()));
    json.put("maxInFlight", report.maxInFlight());
    Map<String, Double> stages = new LinkedHashMap<>();
    report.stageTimes().forEach((stage, time) -> stages.put(stage, millis(time.toNanos())));
    json.put("stageMillis", stages);
    json.put("digests", report.digests());
    if (report.receipt() != null) {
      json.put(
          "receipt",
          Map.of("location", report.receipt().location(), "details", report.receipt().details()));
    }
    try {
      return new ObjectMapper().writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print the report as JSON", e);
    }
  }

  private static Map<String, Double> latency(Latency latency) {
    Map<String, Double> millis = new LinkedHashMap<>();
    millis.put("p50", millis(latency.p50Nanos()));
    millis.put("p99", millis(latency.p99Nanos()));
    millis.put("max", millis(latency.maxNanos()));
    return millis;
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
