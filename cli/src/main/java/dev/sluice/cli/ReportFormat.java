package dev.sluice.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.ByteSize;
import dev.sluice.core.Decimals;
import dev.sluice.core.Secrets;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.core.job.ReportSchema;
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
   * The report as one JSON object: where it came from and went, the one-line reason of a failure
   * ({@code error}, or null), then the fields every report shares with the server's ({@link
   * ReportSchema}). Locations are shown with their credentials masked.
   */
  static String json(IngestionReport report, String source, String destination, String error) {
    Map<String, Object> fields = ReportSchema.fields(report);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("outcome", fields.get("outcome"));
    json.put("reason", fields.get("reason"));
    json.put("error", Secrets.redact(error));
    json.put("source", Secrets.redact(source));
    json.put("destination", Secrets.redact(destination));
    json.putAll(fields);
    try {
      return new ObjectMapper().writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print the report as JSON", e);
    }
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }
}
