package dev.sluice.http;

import static dev.sluice.http.TestServer.readHead;
import static dev.sluice.http.TestServer.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SecurityIT {

  private static final String TOKEN = "s3cret-token";
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServer.start(
            b -> b.token(TOKEN).idleTimeout(Duration.ofSeconds(1)).maxRequestHeaderSize(4096));
    assertThat(
            server
                .put("s/doc.txt", "hello".getBytes(), "Authorization", "Bearer " + TOKEN)
                .statusCode())
        .isEqualTo(201);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void writesWithoutOrWithAWrongTokenAre401() throws Exception {
    HttpResponse<String> none = server.put("s/x.txt", new byte[] {1});
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"sluice\"");
    assertThat(none.body()).contains("this route needs Authorization: Bearer <token>");
    HttpResponse<String> wrong =
        server.put("s/x.txt", new byte[] {1}, "Authorization", "Bearer nope");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("the bearer token is wrong");
    assertThat(server.send(server.request("/objects/s/doc.txt").DELETE().build()).statusCode())
        .isEqualTo(401);
    assertThat(server.get("/objects/s/x.txt", "Authorization", "Bearer " + TOKEN).statusCode())
        .isEqualTo(404);
  }

  @Test
  void readsNeedTheTokenOrASignedLink() throws Exception {
    assertThat(server.get("/objects/s/doc.txt").statusCode()).isEqualTo(401);
    assertThat(server.get("/objects/s/doc.txt", "Authorization", "Bearer " + TOKEN).body())
        .isEqualTo("hello".getBytes());
    String link = new UrlSigner(TOKEN).signedPath("s/doc.txt", Instant.now().plusSeconds(600));
    HttpResponse<byte[]> signed = server.get(link);
    assertThat(signed.statusCode()).isEqualTo(200);
    assertThat(signed.body()).isEqualTo("hello".getBytes());
  }

  @Test
  void expiredTamperedOrForeignSignaturesAre403() throws Exception {
    UrlSigner signer = new UrlSigner(TOKEN);
    HttpResponse<byte[]> expired =
        server.get(signer.signedPath("s/doc.txt", Instant.now().minusSeconds(5)));
    assertThat(expired.statusCode()).isEqualTo(403);
    assertThat(new String(expired.body())).contains("the signed link expired at");
    String good = signer.signedPath("s/doc.txt", Instant.now().plusSeconds(600));
    assertThat(server.get(good.substring(0, good.length() - 2) + "xx").statusCode()).isEqualTo(403);
    String otherKey = signer.signedPath("s/other.txt", Instant.now().plusSeconds(600));
    String moved = "/objects/s/doc.txt" + otherKey.substring(otherKey.indexOf('?'));
    HttpResponse<byte[]> foreign = server.get(moved);
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(new String(foreign.body())).contains("does not match key 's/doc.txt'");
    String otherSecret =
        new UrlSigner("another").signedPath("s/doc.txt", Instant.now().plusSeconds(600));
    assertThat(server.get(otherSecret).statusCode()).isEqualTo(403);
  }

  @Test
  void aSignedLinkDoesNotGrantWrites() throws Exception {
    String link = new UrlSigner(TOKEN).signedPath("s/doc.txt", Instant.now().plusSeconds(600));
    HttpResponse<String> put =
        server.sendText(
            server
                .request(link)
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x"))
                .build());
    assertThat(put.statusCode()).isEqualTo(401);
  }

  @Test
  void healthAndMetricsAreOpenButJobsNeedsTheToken() throws Exception {
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
    assertThat(new String(server.get("/health").body()))
        .doesNotContain("auth")
        .doesNotContain(TOKEN);
    assertThat(server.get("/metrics").statusCode()).isEqualTo(200);
    assertThat(server.get("/jobs").statusCode()).isEqualTo(401);
    assertThat(server.get("/jobs", "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void oversizedHeadersAre431() throws Exception {
    try (Socket socket = server.socket()) {
      write(
          socket.getOutputStream(),
          "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(8000) + "\r\n\r\n");
      assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 431");
    }
  }

  @Test
  void malformedRequestLineIs400AndTheServerKeepsServing() throws Exception {
    try (Socket socket = server.socket()) {
      write(socket.getOutputStream(), "GARBAGE\r\n\r\n");
      assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 400");
    }
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  void aSlowDripClientIsCutOffByTheIdleTimeout() throws Exception {
    try (Socket socket = server.socket()) {
      write(socket.getOutputStream(), "GET /health HTTP/1.1\r\nHost: x\r\n");
      long start = System.nanoTime();
      InputStream in = socket.getInputStream();
      String rest = new String(in.readAllBytes()); // the server closes after its idle timeout
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(seconds).isBetween(0.5, 8.0);
      assertThat(rest).doesNotContain("\"status\" : \"ok\"");
    }
  }
}
