package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static dev.sluice.http.TestServer.eventually;
import static dev.sluice.http.TestServer.paced;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ObservabilityIT {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(b -> b);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void healthSaysOkAndNothingOfTheConfiguration() throws Exception {
    HttpResponse<String> health = server.sendText(server.request("/health").GET().build());
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode body = new ObjectMapper().readTree(health.body());
    assertThat(body.get("status").asText()).isEqualTo("ok");
    assertThat(body.size()).as(health.body()).isEqualTo(1);
  }

  @Test
  void metricsCountBytesTransfersLatencyAndSchedulerLag() throws Exception {
    byte[] data = bytes(100_000, 1);
    double inBefore = server.metric("sluice_received_bytes_total");
    double outBefore = server.metric("sluice_sent_bytes_total");
    server.put("m/a.bin", data);
    server.get("/objects/m/a.bin");
    assertThat(server.metric("sluice_received_bytes_total")).isEqualTo(inBefore + 100_000);
    assertThat(server.metric("sluice_sent_bytes_total")).isEqualTo(outBefore + 100_000);
    String metrics = server.metrics();
    assertThat(metrics)
        .contains("sluice_transfers_active{direction=\"download\"}")
        .contains("sluice_transfers_total{direction=\"upload\",outcome=\"committed\"}")
        .contains("sluice_chunk_write_seconds_bucket")
        .contains("sluice_transfer_throughput_mebibytes_per_second_count")
        .contains("sluice_scheduler_lag_seconds{statistic=\"p99\"}");
    eventually(
        () ->
            assertThat(server.metric("sluice_scheduler_lag_seconds{statistic=\"max\"}"))
                .isNotNaN()
                .isGreaterThan(0));
  }

  @Test
  void jobsListsUploadsAndDownloadsWhileTheyRun() throws Exception {
    server.put("m/slow.bin", bytes(200_000, 2));
    CompletableFuture<HttpResponse<byte[]>> download =
        server.client.sendAsync(
            server.request("/objects/m/slow.bin?rate=100KiB").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    byte[] body = bytes(300_000, 3);
    CompletableFuture<HttpResponse<String>> upload =
        server.client.sendAsync(
            server
                .request("/objects/m/incoming.bin")
                .PUT(
                    HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> paced(body, 16 * 1024, 100)),
                        body.length))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    eventually(
        () -> {
          HttpResponse<String> jobs = server.sendText(server.request("/jobs").GET().build());
          assertThat(jobs.headers().firstValue("Content-Type"))
              .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
          JsonNode transfers = new ObjectMapper().readTree(jobs.body()).get("transfers");
          assertThat(transfers)
              .anySatisfy(
                  j -> {
                    assertThat(j.get("key").asText()).isEqualTo("m/slow.bin");
                    assertThat(j.get("direction").asText()).isEqualTo("download");
                    assertThat(j.get("expectedBytes").asLong()).isEqualTo(200_000);
                  })
              .anySatisfy(
                  j -> {
                    assertThat(j.get("key").asText()).isEqualTo("m/incoming.bin");
                    assertThat(j.get("direction").asText()).isEqualTo("upload");
                    assertThat(j.get("expectedBytes").asLong()).isEqualTo(300_000);
                    assertThat(j.get("bytes").asLong()).isBetween(0L, 300_000L);
                  });
        });
    assertThat(download.get().body()).hasSize(200_000);
    assertThat(upload.get().statusCode()).isEqualTo(201);
    eventually(
        () ->
            assertThat(
                    new ObjectMapper()
                        .readTree(server.sendText(server.request("/jobs").GET().build()).body())
                        .get("transfers"))
                .isEmpty());
  }
}
