package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.Sources;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.job.Ingestion;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Admission control (issue 12): past the memory budget or the transfer cap a request gets 503 with
 * {@code Retry-After} before any body is read, and the transfers admitted run to their end.
 */
class AdmissionIT {

  @Test
  void pastTheMemoryBudgetDownloadsAndUploadsGet503AndRetryAfterBeforeAnyBodyIsRead()
      throws Exception {
    try (TestServer server =
        TestServer.start(b -> b.memoryBudget(48 * 1024).admissionWait(Duration.ofMillis(200)))) {
      byte[] data = bytes(1 << 20, 7);
      Ingestion.from(Sources.from(new ByteArrayInputStream(data)))
          .to(server.store.create("ad/a.bin", new BlobSpec(null, true, null)))
          .run();
      assertThat(server.metric("sluice_memory_budget_bytes")).isEqualTo(48 * 1024);

      // one download paced at 256 KiB/s takes a 32 KiB buffer of the 48 KiB budget while it runs
      CompletableFuture<HttpResponse<byte[]>> admitted =
          server.client.sendAsync(
              server.request("/objects/ad/a.bin?rate=256KiB").GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(server.metric("sluice_memory_used_bytes")).isEqualTo(32768));

      HttpResponse<String> refused =
          server.sendText(server.request("/objects/ad/a.bin?rate=256KiB").build());
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.headers().firstValue("Content-Range")).isEmpty();
      assertThat(refused.body())
          .contains("the server is busy: its memory budget of 48.0 KiB is in use")
          .contains("GET /objects/ad/a.bin was not admitted within 200 ms");

      double bytesIn = server.metric("sluice_received_bytes_total");
      HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> upload =
          http11.send(
              server
                  .request("/objects/ad/b.bin")
                  .expectContinue(true)
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(upload.statusCode()).isEqualTo(503);
      assertThat(upload.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(upload.body()).contains("PUT /objects/ad/b.bin was not admitted");
      assertThat(server.metric("sluice_received_bytes_total")).isEqualTo(bytesIn);
      assertThat(server.store.find("ad/b.bin")).isEmpty();
      assertThat(server.metric("sluice_admission_refused_total{limit=\"memory\"")).isEqualTo(2);

      assertThat(admitted.get().statusCode()).isEqualTo(200);
      assertThat(admitted.get().body()).isEqualTo(data); // the admitted transfer was not starved
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(server.metric("sluice_memory_used_bytes")).isZero());
      assertThat(server.get("/objects/ad/a.bin?rate=256KiB").body()).isEqualTo(data);
    }
  }

  @Test
  void pastTheTransferCapARequestGets503NamingTheCap() throws Exception {
    try (TestServer server =
        TestServer.start(b -> b.maxTransfers(1).admissionWait(Duration.ofMillis(100)))) {
      byte[] data = bytes(200_000, 8);
      assertThat(server.put("ad/c.bin", data).statusCode()).isEqualTo(201);
      CompletableFuture<HttpResponse<byte[]>> slow =
          holdTheOnlySlot(server, server.request("/objects/ad/c.bin?rate=64KiB"));
      HttpResponse<String> refused = server.put("ad/d.bin", data);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).contains("1 concurrent transfers are running");
      assertThat(server.get("/health").statusCode()).isEqualTo(200); // not a transfer
      assertThat(slow.get().body()).isEqualTo(data);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> assertThat(server.put("ad/d.bin", data).statusCode()).isEqualTo(201));
    }
  }

  @Test
  void aRequestWithoutTheTokenIsRefused401BeforeItCanWaitForOrHoldAnUploadsSlot() throws Exception {
    try (TestServer server =
        TestServer.start(
            b -> b.token("s3cret").maxTransfers(1).admissionWait(Duration.ofSeconds(2)))) {
      byte[] data = bytes(200_000, 9);
      assertThat(server.put("ad/e.bin", data, "Authorization", "Bearer s3cret").statusCode())
          .isEqualTo(201);
      CompletableFuture<HttpResponse<byte[]>> slow =
          holdTheOnlySlot(
              server,
              server
                  .request("/objects/ad/e.bin?rate=64KiB")
                  .header("Authorization", "Bearer s3cret"));

      // the only transfer slot is taken: without the token, no wait for it and no 503, but 401
      for (String method : new String[] {"PUT", "POST", "PATCH"}) {
        HttpResponse<String> refused =
            server.sendText(
                server
                    .request(method.equals("PUT") ? "/objects/ad/f.bin" : "/objects")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(data))
                    .build());
        assertThat(refused.statusCode()).as(method).isEqualTo(401);
      }
      assertThat(slow.get().body()).isEqualTo(data);
    }
  }

  @Test
  void aListingIsATransferAdmittedLikeADownload() throws Exception {
    try (TestServer server =
        TestServer.start(b -> b.maxTransfers(1).admissionWait(Duration.ofMillis(100)))) {
      byte[] data = bytes(200_000, 10);
      assertThat(server.put("ad/g.bin", data).statusCode()).isEqualTo(201);
      CompletableFuture<HttpResponse<byte[]>> slow =
          holdTheOnlySlot(server, server.request("/objects/ad/g.bin?rate=64KiB"));

      HttpResponse<String> refused = server.sendText(server.request("/objects").GET().build());
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");
      assertThat(refused.body()).contains("1 concurrent transfers are running");

      assertThat(slow.get().body()).isEqualTo(data);
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                HttpResponse<String> listing =
                    server.sendText(server.request("/objects").GET().build());
                assertThat(listing.statusCode()).isEqualTo(200);
                assertThat(listing.body()).contains("\"key\":\"ad/g.bin\"");
              });
    }
  }

  @Test
  void pastSixtyFourWaitingDownloadsMoreAreRefusedWithoutWaitingAndUploadsStillQueue()
      throws Exception {
    try (TestServer server =
        TestServer.start(b -> b.maxTransfers(1).admissionWait(Duration.ofSeconds(3)))) {
      byte[] data = bytes(200_000, 9);
      assertThat(server.put("ad/e.bin", data).statusCode()).isEqualTo(201);
      CompletableFuture<HttpResponse<byte[]>> slow =
          holdTheOnlySlot(server, server.request("/objects/ad/e.bin?rate=64KiB"));
      java.util.List<CompletableFuture<HttpResponse<String>>> waiting = new java.util.ArrayList<>();
      for (int i = 0; i < 70; i++) {
        waiting.add(
            server.client.sendAsync(
                server.request("/objects/ad/e.bin").GET().build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      await()
          .atMost(Duration.ofSeconds(2)) // well before the 3 s wait ends
          .untilAsserted(
              () ->
                  assertThat(server.metric("sluice_admission_refused_total{limit=\"queue\""))
                      .isEqualTo(6));
      assertThat(server.metric("sluice_admission_waiting")).isEqualTo(64);
      // the download queue is full, the upload queue is not: an upload waits its turn
      CompletableFuture<HttpResponse<String>> upload =
          server.client.sendAsync(
              server
                  .request("/objects/ad/f.bin")
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      await()
          .atMost(Duration.ofSeconds(2))
          .untilAsserted(() -> assertThat(server.metric("sluice_admission_waiting")).isEqualTo(65));
      long refusedAtOnce =
          waiting.stream()
              .map(CompletableFuture::join)
              .filter(r -> r.body().contains("64 downloads are already waiting to be admitted"))
              .count();
      assertThat(refusedAtOnce).isEqualTo(6);
      assertThat(slow.get().body()).isEqualTo(data);
      assertThat(upload.get().statusCode()).isIn(201, 503);
    }
  }

  @Test
  void downloadsReuseTheirBuffersInsteadOfAllocatingDirectMemoryEachTime() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      byte[] data = bytes(300_000, 10);
      assertThat(server.put("ad/g.bin", data).statusCode()).isEqualTo(201);
      for (int i = 0; i < 5; i++) {
        assertThat(server.get("/objects/ad/g.bin").body()).isEqualTo(data);
      }
      double before = server.metric("sluice_memory_direct_bytes");
      for (int i = 0; i < 40; i++) {
        assertThat(server.get("/objects/ad/g.bin").body()).isEqualTo(data);
      }
      // 40 downloads of a 256 KiB buffer each would be 10 MiB if none were reused
      assertThat(server.metric("sluice_memory_direct_bytes")).isLessThan(before + (2 << 20));
      assertThat(server.metric("sluice_memory_used_bytes")).isZero();
    }
  }

  @Test
  void downloadsThatNeverReadCannotTakeTheConnectionsUploadsNeed() throws Exception {
    // zero-copy downloads allocate no memory; were they not counted against the budget, 64 clients
    // that never read would hold all 64 connections until the idle timeout while the upload waited
    // unanswered in the accept queue. Counted at 64 KiB, a 4 MiB budget (3/4 of it for one
    // direction) admits 48 of them, and keeps the 1 MiB an upload takes.
    try (TestServer server =
        TestServer.start(
            b ->
                b.maxConnections(64).memoryBudget(4 << 20).admissionWait(Duration.ofMillis(200)))) {
      byte[] big = bytes(32 << 20, 11);
      Ingestion.from(Sources.from(new ByteArrayInputStream(big)))
          .to(server.store.create("ad/big.bin", new BlobSpec(null, true, null)))
          .run();
      java.util.List<java.net.Socket> readers = new java.util.ArrayList<>();
      java.util.List<String> heads = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 64; i++) {
          java.net.Socket reader = new java.net.Socket();
          reader.setReceiveBufferSize(4096);
          reader.connect(new java.net.InetSocketAddress("127.0.0.1", server.server.port()));
          reader.setSoTimeout(10_000);
          readers.add(reader);
          TestServer.write(
              reader.getOutputStream(), "GET /objects/ad/big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
          heads.add(TestServer.readHead(reader.getInputStream())); // then never reads the body
        }
        assertThat(heads).filteredOn(h -> h.startsWith("HTTP/1.1 200")).hasSize(48);
        assertThat(heads)
            .filteredOn(h -> h.startsWith("HTTP/1.1 503"))
            .hasSize(16)
            .allSatisfy(h -> assertThat(h).contains("Retry-After: 1"));

        HttpClient http11 =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> upload =
            http11.send(
                server
                    .request("/objects/ad/up.bin")
                    .timeout(Duration.ofSeconds(5))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes(1000, 12)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(upload.statusCode()).isEqualTo(201);
      } finally {
        for (java.net.Socket reader : readers) {
          reader.close();
        }
      }
    }
  }

  @Test
  void pastTheConnectionCapANewConnectionWaitsUntilAnotherCloses() throws Exception {
    try (TestServer server = TestServer.start(b -> b.maxConnections(1))) {
      java.net.Socket idle = server.socket();
      TestServer.write(idle.getOutputStream(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(TestServer.readHead(idle.getInputStream())).startsWith("HTTP/1.1 200");
      try (java.net.Socket waiting = server.socket()) {
        TestServer.write(
            waiting.getOutputStream(),
            "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        waiting.setSoTimeout(300);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> waiting.getInputStream().read())
            .as("not accepted while the one connection allowed is open")
            .isInstanceOf(java.net.SocketTimeoutException.class);
        idle.close();
        waiting.setSoTimeout(5_000);
        assertThat(TestServer.readHead(waiting.getInputStream())).startsWith("HTTP/1.1 200");
      }
    }
  }

  /**
   * Starts the throttled download {@code request} and waits until it runs: with {@code
   * maxTransfers(1)} it holds the only transfer slot until its body is read.
   */
  private static CompletableFuture<HttpResponse<byte[]>> holdTheOnlySlot(
      TestServer server, HttpRequest.Builder request) {
    CompletableFuture<HttpResponse<byte[]>> slow =
        server.client.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(server.metric("sluice_admission_running")).isEqualTo(1));
    return slow;
  }
}
