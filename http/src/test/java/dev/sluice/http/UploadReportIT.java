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
      assertThat(report.get("schedulerLagMillis").get("max").isNumber()).isTrue();
      assertThat(report.get("maxInFlight").asInt()).isPositive();
      assertThat(report.get("receipt").get("location").asText()).isEqualTo("/objects/r/a.bin");
      assertThat(put.body()).doesNotContain(server.dir.toString());
    }
  }
}
