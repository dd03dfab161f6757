package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Receipt;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportSchemaTest {

  private static IngestionReport report(Receipt receipt, Latency lag) {
    return new IngestionReport(
        "file(a) → sha256 → file(b)",
        receipt == null ? Outcome.ABORTED : Outcome.COMMITTED,
        receipt == null ? AbortReason.LIMIT_EXCEEDED : null,
        2 << 20,
        2 << 20,
        32,
        Duration.ofMillis(500),
        new Latency(1_000_000, 2_000_000, 3_000_000),
        4,
        Map.of("sha256", Duration.ofMillis(100)),
        Map.of("sha256", "ab"),
        receipt,
        lag);
  }

  @Test
  void aCommittedReportHasEveryFieldInOrder() {
    Map<String, Object> fields =
        ReportSchema.fields(
            report(
                new Receipt("s3://key:secret@host/b", Map.of("etag", "x")),
                new Latency(10, 20, 30)));
    assertThat(fields.keySet()).containsExactlyElementsOf(ReportSchema.FIELDS);
    assertThat(fields.get("outcome")).isEqualTo("COMMITTED");
    assertThat(fields.get("reason")).isNull();
    assertThat(fields.get("mibPerSecond")).isEqualTo(4.0);
    assertThat(fields.get("durationSeconds")).isEqualTo(0.5);
    assertThat(fields.get("chunkWriteLatencyMillis"))
        .isEqualTo(Map.of("p50", 1.0, "p99", 2.0, "max", 3.0));
    assertThat(fields.get("schedulerLagMillis")).isNotNull();
    assertThat(fields.get("stageMillis")).isEqualTo(Map.of("sha256", 100.0));
    assertThat(((Map<?, ?>) fields.get("receipt")).get("location").toString())
        .doesNotContain("secret");
  }

  @Test
  void anAbortedReportNamesItsReasonAndHasNoReceiptNorUnmeasuredLag() {
    Map<String, Object> fields = ReportSchema.fields(report(null, Latency.NONE));
    assertThat(fields.keySet()).containsExactlyElementsOf(ReportSchema.FIELDS);
    assertThat(fields.get("outcome")).isEqualTo("ABORTED");
    assertThat(fields.get("reason")).isEqualTo("LIMIT_EXCEEDED");
    assertThat(fields.get("receipt")).isNull();
    assertThat(fields.get("schedulerLagMillis")).isNull();
  }
}
