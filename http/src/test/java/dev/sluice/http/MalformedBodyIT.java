package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed request bodies (issue 12, defect 12) are the client's fault: 400, or 408 for a body
 * that stops short and waits, never a 5xx, never a class name or a server path.
 */
class MalformedBodyIT {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(b -> b.idleTimeout(Duration.ofSeconds(1)).minRequestDataRate(0));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static RawHttp.Answer chunked(String key, String body) throws Exception {
    return RawHttp.exchange(
        server.server.port(),
        "PUT /objects/" + key + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body,
        false,
        10_000);
  }

  private static void assertClean(RawHttp.Answer answer, int status) {
    assertThat(answer.status()).as(answer.text()).isEqualTo(status);
    assertThat(answer.body())
        .doesNotContain("dev.sluice")
        .doesNotContain("Exception")
        .doesNotContain("java.")
        .doesNotContain(server.dir.toString());
  }

  @Test
  void aChunkSizeThatIsNotHexIs400() throws Exception {
    RawHttp.Answer answer = chunked("bad/hex", "5\r\nhello\r\nzz\r\nhello\r\n0\r\n\r\n");
    assertClean(answer, 400);
    assertThat(answer.body()).contains("request body of PUT /objects/bad/hex");
    assertThat(server.store.find("bad/hex")).isEmpty();
  }

  @Test
  void aNegativeChunkSizeIs400() throws Exception {
    assertClean(chunked("bad/negative", "5\r\nhello\r\n-5\r\nhello\r\n0\r\n\r\n"), 400);
  }

  @Test
  void aHugeChunkSizeIs400() throws Exception {
    assertClean(chunked("bad/huge", "5\r\nhello\r\nFFFFFFFFFFFFFFFFFFFFFF\r\nhello\r\n"), 400);
  }

  @Test
  void aChunkExtensionOf200KBIs400() throws Exception {
    assertClean(chunked("bad/ext", "5;x=" + "a".repeat(200_000) + "\r\nhello\r\n0\r\n\r\n"), 400);
  }

  @Test
  void aTrailerOf200KBIs400() throws Exception {
    assertClean(
        chunked("bad/trailer", "5\r\nhello\r\n0\r\nX-T: " + "a".repeat(200_000) + "\r\n\r\n"), 400);
    assertThat(server.store.find("bad/trailer")).isEmpty();
  }

  @Test
  void aBodyShorterThanItsContentLengthThenEndOfInputIs400() throws Exception {
    RawHttp.Answer answer =
        RawHttp.exchange(
            server.server.port(),
            "PUT /objects/bad/short HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b",
            true,
            10_000);
    assertClean(answer, 400);
    assertThat(answer.body()).contains("10").contains("100");
    assertThat(server.store.find("bad/short")).isEmpty();
  }

  @Test
  void aBodyThatStopsShortAndWaitsIs408AfterTheIdleTimeout() throws Exception {
    RawHttp.Answer answer =
        RawHttp.exchange(
            server.server.port(),
            "PUT /objects/bad/stalled HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b",
            false,
            10_000);
    assertClean(answer, 408);
    assertThat(server.store.find("bad/stalled")).isEmpty();
  }

  @Test
  void aMultipartBodyWithBadChunkingIs400() throws Exception {
    RawHttp.Answer answer =
        RawHttp.exchange(
            server.server.port(),
            "POST /objects?prefix=mpbad/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: multipart/form-data; boundary=b\r\n\r\n"
                + "5\r\n--b\r\n\r\nzz\r\n",
            false,
            10_000);
    assertClean(answer, 400);
  }

  @Test
  void anUnexpectedFailureIsA500WithAnIdAndNoInternals() throws Exception {
    dev.sluice.core.blob.BlobStore broken =
        new dev.sluice.core.blob.BlobStore() {
          @Override
          public dev.sluice.core.Sink create(String key, dev.sluice.core.blob.BlobSpec spec) {
            throw new IllegalStateException("boom in /var/lib/secret-place");
          }

          @Override
          public java.util.Optional<dev.sluice.core.blob.Blob> find(String key) {
            throw new IllegalStateException("boom in /var/lib/secret-place");
          }

          @Override
          public boolean delete(String key, dev.sluice.core.blob.Precondition precondition) {
            throw new IllegalStateException("boom in /var/lib/secret-place");
          }

          @Override
          public java.util.stream.Stream<dev.sluice.core.blob.BlobEntry> list(
              String prefix, String after) {
            throw new IllegalStateException("boom in /var/lib/secret-place");
          }

          @Override
          public String describe() {
            return "broken";
          }
        };
    try (SluiceServer broke = SluiceServer.start(ServerConfig.builder().port(0).build(), broken)) {
      var client = java.net.http.HttpClient.newHttpClient();
      var response =
          client.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(broke.baseUrl() + "/objects/any"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(500);
      assertThat(response.body())
          .contains("internal error")
          .containsPattern("error id [0-9a-f]{8,}")
          .doesNotContain("IllegalStateException")
          .doesNotContain("java.")
          .doesNotContain("/var/lib");
      var listing =
          client.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create(broke.baseUrl() + "/objects"))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(listing.statusCode()).isEqualTo(500);
      assertThat(listing.body()).contains("internal error").doesNotContain("/var/lib");
    }
  }
}
