package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static dev.sluice.http.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's routes over HTTP: the page, its data, paging, and the cancel of a transfer. */
class DashboardIT {

  private static final String[] AUTH = {"Authorization", "Bearer s3cret"};
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(b -> b.token("s3cret"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void thePageIsOpenSelfContainedAndSmall() throws Exception {
    for (String path : List.of("/", "/dashboard", "/dashboard/")) {
      HttpResponse<byte[]> page = server.get(path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(page.body().length).isLessThan(300 * 1024);
      String html = new String(page.body(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(html)
          .contains("<title>Sluice</title>")
          .doesNotContain("src=\"http", "href=\"http");
    }
    assertThat(server.sendText(server.request("/").DELETE().build()).statusCode()).isEqualTo(405);
    HttpResponse<byte[]> head =
        server.send(
            server.request("/").method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void theDataNeedsTheTokenAndNamesABadParameter() throws Exception {
    assertThat(server.get("/dashboard/data").statusCode()).isEqualTo(401);
    JsonNode data = data("");
    assertThat(data.get("memory").get("budget").asLong()).isPositive();
    assertThat(data.get("memory").get("heapUsed").asLong()).isPositive();
    assertThat(data.get("counts").get("active").get("download").asInt()).isZero();
    assertThat(data.get("history").get("t").isArray()).isTrue();
    assertThat(data.get("history").has("bytesOutPerSecond")).isTrue();
    for (String bad : List.of("sort=size", "limit=0", "limit=201", "offset=-1", "since=x")) {
      HttpResponse<byte[]> answer = server.get("/dashboard/data?" + bad, AUTH);
      assertThat(answer.statusCode()).as(bad).isEqualTo(400);
      assertThat(new String(answer.body())).contains(bad.substring(0, bad.indexOf('=')));
    }
  }

  @Test
  void listsRunningTransfersAPageAtATimeAndCancelsThemWithTheToken() throws Exception {
    server.put("dash/slow.bin", bytes(2 << 20, 4), AUTH);
    List<CompletableFuture<HttpResponse<byte[]>>> downloads = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      downloads.add(
          server.client.sendAsync(
              server.request("/objects/dash/slow.bin?rate=64KiB").header(AUTH[0], AUTH[1]).build(),
              HttpResponse.BodyHandlers.ofByteArray()));
    }
    eventually(() -> assertThat(data("").get("transfers").get("total").asInt()).isEqualTo(3));
    JsonNode first = data("?limit=2&sort=started").get("transfers");
    assertThat(first.get("rows")).hasSize(2);
    JsonNode rest = data("?limit=2&offset=2&sort=started").get("transfers");
    assertThat(rest.get("rows")).hasSize(1);
    JsonNode row = rest.get("rows").get(0);
    assertThat(row.get("key").asText()).isEqualTo("dash/slow.bin");
    assertThat(row.get("direction").asText()).isEqualTo("download");
    assertThat(row.get("client").asText()).isEqualTo("127.0.0.1");
    assertThat(row.get("rateLimit").asLong()).isEqualTo(64 * 1024);
    assertThat(row.get("expectedBytes").asLong()).isEqualTo(2 << 20);

    long id = row.get("id").asLong();
    assertThat(server.sendText(server.request("/jobs/" + id).DELETE().build()).statusCode())
        .isEqualTo(401);
    assertThat(server.sendText(server.request("/jobs/" + id).GET().build()).statusCode())
        .isEqualTo(405);
    assertThat(delete("/jobs/nine")).isEqualTo(400);
    assertThat(delete("/jobs/999999999")).isEqualTo(404);
    for (JsonNode r : data("?sort=started").get("transfers").get("rows")) {
      assertThat(delete("/jobs/" + r.get("id").asLong())).isEqualTo(202);
    }
    eventually(() -> assertThat(data("").get("transfers").get("total").asInt()).isZero());
    for (CompletableFuture<HttpResponse<byte[]>> download : downloads) {
      assertThat(download.handle((r, e) -> e != null || r.body().length < (2 << 20)).get())
          .isTrue();
    }
    eventually(() -> assertThat(data("").get("aborts").get("CANCELLED").asDouble()).isEqualTo(3));
  }

  @Test
  void listsAnUploadWithItsClientAndWorkerPoolAndCancelsIt() throws Exception {
    try (TestServer own = TestServer.start(b -> b.token("s3cret").workers(1));
        java.net.Socket socket = own.socket()) {
      java.io.OutputStream out = socket.getOutputStream();
      TestServer.write(
          out,
          "PUT /objects/dash/held.bin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
              + "Content-Length: 1048576\r\n\r\n");
      out.write(bytes(64 * 1024, 5)); // and no more: the upload waits for the rest
      out.flush();
      eventually(() -> assertThat(rows(own)).hasSize(1));
      JsonNode row = rows(own).get(0);
      assertThat(row.get("direction").asText()).isEqualTo("upload");
      assertThat(row.get("key").asText()).isEqualTo("dash/held.bin");
      assertThat(row.get("client").asText()).isEqualTo("127.0.0.1");
      assertThat(row.get("offloaded").asBoolean()).as("written on the worker pool").isTrue();
      assertThat(row.get("rateLimit").asLong()).isZero();
      assertThat(row.get("expectedBytes").asLong()).isEqualTo(1 << 20);

      HttpResponse<String> cancel =
          own.sendText(
              own.request("/jobs/" + row.get("id").asLong())
                  .header(AUTH[0], AUTH[1])
                  .DELETE()
                  .build());

      assertThat(cancel.statusCode()).isEqualTo(202);
      eventually(() -> assertThat(rows(own)).isEmpty());
      eventually(
          () ->
              assertThat(
                      own.metric("sluice_aborts_total{direction=\"upload\",reason=\"CANCELLED\"}"))
                  .isOne());
      assertThat(own.get("/objects/dash/held.bin", AUTH).statusCode()).isEqualTo(404);
    }
  }

  private static JsonNode rows(TestServer own) throws Exception {
    HttpResponse<byte[]> answer = own.get("/dashboard/data", AUTH);
    assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(200);
    return JSON.readTree(answer.body()).get("transfers").get("rows");
  }

  private static JsonNode data(String query) throws Exception {
    HttpResponse<byte[]> answer = server.get("/dashboard/data" + query, AUTH);
    assertThat(answer.statusCode()).as(new String(answer.body())).isEqualTo(200);
    return JSON.readTree(answer.body());
  }

  private static int delete(String path) throws Exception {
    return server
        .sendText(server.request(path).header(AUTH[0], AUTH[1]).DELETE().build())
        .statusCode();
  }
}
