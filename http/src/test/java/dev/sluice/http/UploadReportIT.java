package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.job.ReportSchema;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An upload's answer carries the report in the schema the CLI's {@code --json} prints. */
class UploadReportIT {

  @Test
  void theUploadAnswerCarriesTheSharedReportAndNoServerPath() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      HttpResponse<String> put = server.put("r/a.bin", bytes(300_000, 7));
      assertThat(put.statusCode()).isEqualTo(201);
      JsonNode answer = new ObjectMapper().readTree(put.body());
      JsonNode report = answer.get("report");
      List<String> names = new ArrayList<>();
      report.fieldNames().forEachRemaining(names::add);
      assertThat(names).isEqualTo(ReportSchema.FIELDS);
      assertThat(report.get("outcome").asText()).isEqualTo("COMMITTED");
      assertThat(report.get("reason").isNull()).isTrue();
      assertThat(report.get("bytesIn").asLong()).isEqualTo(300_000);
      assertThat(report.get("chunkWriteLatencyMillis").get("p99").isNumber()).isTrue();
      // measured only when the lag probe (every 10 ms) woke during the upload: null otherwise,
      // as ReportSchemaTest checks; a fast machine can finish 300 KB before the next wake-up
      JsonNode lag = report.get("schedulerLagMillis");
      assertThat(lag.isNull() || lag.get("max").isNumber())
          .as("null or measured: %s", lag)
          .isTrue();
      assertThat(report.get("maxInFlight").asInt()).isPositive();
      assertThat(report.get("receipt").get("location").asText()).isEqualTo("/objects/r/a.bin");
      assertThat(put.body()).doesNotContain(server.dir.toString());
    }
  }

  @Test
  void aRefusedUploadAnswersItsAbortedReport() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      String wrong = java.util.Base64.getEncoder().encodeToString(new byte[32]);
      HttpResponse<String> put =
          server.put("r/b.bin", bytes(200_000, 8), "Content-Digest", "sha-256=:" + wrong + ":");
      assertThat(put.statusCode()).isEqualTo(400);
      JsonNode report = new ObjectMapper().readTree(put.body()).get("report");
      List<String> names = new ArrayList<>();
      report.fieldNames().forEachRemaining(names::add);
      assertThat(names).isEqualTo(ReportSchema.FIELDS);
      assertThat(report.get("outcome").asText()).isEqualTo("ABORTED");
      assertThat(report.get("reason").asText()).isEqualTo("DIGEST_MISMATCH");
      assertThat(report.get("bytesIn").asLong()).isEqualTo(200_000);
      assertThat(report.get("receipt").isNull()).isTrue();
      assertThat(put.body()).doesNotContain(server.dir.toString());
    }
  }
}
