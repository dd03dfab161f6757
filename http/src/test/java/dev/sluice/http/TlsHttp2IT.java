package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static dev.sluice.http.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS with HTTP/2 by ALPN, and h2c (issue 16): uploads, ranges, throttling, disconnect detection,
 * memory bounds, bearer tokens and signed links behave over HTTP/2 as over HTTP/1.1. Clients: the
 * JDK's {@link HttpClient} trusting the test's self-signed certificate, and curl.
 */
class TlsHttp2IT {

  @TempDir static Path certs;
  static TestCertificates tls;

  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void certificate() throws Exception {
    tls = TestCertificates.create(certs, "EC");
  }

  private TestServer https(java.util.function.UnaryOperator<ServerConfig.Builder> more)
      throws Exception {
    return TestServer.start(
        b -> more.apply(b.tlsCert(tls.cert()).tlsKey(tls.key())), s -> s.accessLog(lines::add));
  }

  private static HttpClient client(HttpClient.Version version) {
    return HttpClient.newBuilder()
        .version(version)
        .sslContext(tls.trusting())
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Test
  void uploadsAndFullAndRangedDownloadsGoOverHttp2() throws Exception {
    try (TestServer server = https(b -> b)) {
      assertThat(server.server.baseUrl()).startsWith("https://");
      HttpClient h2 = client(HttpClient.Version.HTTP_2);
      byte[] data = bytes(3 << 20, 11);
      HttpResponse<String> put =
          h2.send(
              server
                  .request("/objects/h2/a.bin")
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(201);
      assertThat(put.version()).isEqualTo(HttpClient.Version.HTTP_2);

      HttpResponse<byte[]> full =
          h2.send(
              server.request("/objects/h2/a.bin").build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(full.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(full.body()).isEqualTo(data);

      HttpResponse<byte[]> range =
          h2.send(
              server.request("/objects/h2/a.bin").header("Range", "bytes=1000-1999").build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.headers().firstValue("Content-Range"))
          .hasValue("bytes 1000-1999/" + data.length);
      assertThat(range.body()).isEqualTo(Arrays.copyOfRange(data, 1000, 2000));

      HttpResponse<byte[]> throttled =
          h2.send(
              server.request("/objects/h2/a.bin?rate=8MiB").build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(throttled.body()).isEqualTo(data);
      eventually(() -> assertThat(lines).filteredOn(l -> l.contains("proto=HTTP/2.0")).hasSize(4));
    }
  }

  @Test
  void http11IsStillOfferedOverTls() throws Exception {
    try (TestServer server = https(b -> b)) {
      HttpClient h1 = client(HttpClient.Version.HTTP_1_1);
      HttpResponse<String> put =
          h1.send(
              server
                  .request("/objects/h1/a.bin")
                  .PUT(HttpRequest.BodyPublishers.ofString("hello"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(201);
      assertThat(put.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
  }

  @Test
  void aStreamTheClientCancelsEndsItsThrottledDownloadAsAClientDisconnect() throws Exception {
    try (TestServer server = https(b -> b)) {
      HttpClient h2 = client(HttpClient.Version.HTTP_2);
      h2.send(
          server
              .request("/objects/h2/slow.bin")
              .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes(1 << 20, 12)))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      HttpResponse<InputStream> slow =
          h2.send(
              server.request("/objects/h2/slow.bin?rate=16KiB").build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(slow.version()).isEqualTo(HttpClient.Version.HTTP_2);
      try (InputStream body = slow.body()) {
        assertThat(body.readNBytes(1000)).hasSize(1000);
        eventually(
            () ->
                assertThat(metric(server, "sluice_transfers_active{direction=\"download\""))
                    .isEqualTo(1));
      } // closing the body resets the stream; the connection stays
      eventually(
          () -> {
            assertThat(metric(server, "sluice_transfers_active{direction=\"download\"")).isZero();
            assertThat(lines)
                .anySatisfy(
                    l -> assertThat(l).contains("rate=16KiB").contains("abort=CLIENT_DISCONNECT"));
          });
    }
  }

  @Test
  void manyMultiplexedDownloadsStayWithinTheMemoryBudgetAndReturnIt() throws Exception {
    long budget = 4L << 20;
    try (TestServer server = https(b -> b.memoryBudget(budget))) {
      HttpClient h2 = client(HttpClient.Version.HTTP_2);
      h2.send(
          server
              .request("/objects/h2/m.bin")
              .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes(1 << 20, 13)))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      List<InputStream> bodies = new ArrayList<>();
      for (int i = 0; i < 12; i++) { // one connection, twelve streams
        HttpResponse<InputStream> r =
            h2.send(
                server.request("/objects/h2/m.bin?rate=32KiB").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        bodies.add(r.body());
      }
      eventually(
          () ->
              assertThat(metric(server, "sluice_transfers_active{direction=\"download\""))
                  .isPositive());
      assertThat(metric(server, "sluice_memory_used")).isLessThanOrEqualTo(budget);
      for (InputStream body : bodies) {
        body.close();
      }
      eventually(() -> assertThat(metric(server, "sluice_memory_used")).isZero());
    }
  }

  @Test
  void bearerTokensAndSignedLinksWorkUnchangedOverHttp2() throws Exception {
    try (TestServer server = https(b -> b.token("s3cret"))) {
      HttpClient h2 = client(HttpClient.Version.HTTP_2);
      HttpRequest.Builder put =
          server
              .request("/objects/h2/t.bin")
              .PUT(HttpRequest.BodyPublishers.ofString("secret stuff"));
      assertThat(h2.send(put.build(), HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(401);
      assertThat(
              h2.send(
                      put.header("Authorization", "Bearer s3cret").build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(201);
      String signed = new UrlSigner("s3cret").signedPath("h2/t.bin", Instant.now().plusSeconds(60));
      HttpResponse<String> get =
          h2.send(server.request(signed).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(get.body()).isEqualTo("secret stuff");
    }
  }

  @Test
  void curlNegotiatesHttp2AndGetsTheRange() throws Exception {
    try (TestServer server = https(b -> b)) {
      byte[] data = bytes(200_000, 14);
      HttpClient h2 = client(HttpClient.Version.HTTP_2);
      h2.send(
          server
              .request("/objects/h2/c.bin")
              .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      Path out = certs.resolve("curl.out");
      String result =
          curl(
              "--http2",
              "--cacert",
              tls.cert().toString(),
              "-r",
              "10-109",
              "-o",
              out.toString(),
              "-w",
              "%{http_version} %{http_code}",
              server.server.baseUrl() + "/objects/h2/c.bin");
      assertThat(result).isEqualTo("2 206");
      assertThat(Files.readAllBytes(out)).isEqualTo(Arrays.copyOfRange(data, 10, 110));
    }
  }

  @Test
  void h2cSpeaksHttp2InCleartextWhenAsked() throws Exception {
    try (TestServer server = TestServer.start(b -> b.h2c(true))) {
      assertThat(server.put("h2c/a.bin", "hi".getBytes(StandardCharsets.UTF_8)).statusCode())
          .isEqualTo(201);
      HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      HttpResponse<String> upgraded =
          h2.send(
              server.request("/objects/h2c/a.bin").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(upgraded.body()).isEqualTo("hi");
      assertThat(upgraded.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(
              curl(
                  "--http2-prior-knowledge",
                  "-o",
                  "/dev/null",
                  "-w",
                  "%{http_version} %{http_code}",
                  server.server.baseUrl() + "/objects/h2c/a.bin"))
          .isEqualTo("2 200");
    }
  }

  @Test
  void withoutH2cACleartextServerAnswersHttp11Only() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      server.put("h1/a.bin", "hi".getBytes(StandardCharsets.UTF_8));
      HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      HttpResponse<String> plain =
          h2.send(
              server.request("/objects/h1/a.bin").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(plain.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(plain.body()).isEqualTo("hi");
    }
  }

  /** A Prometheus sample over HTTPS (the test server's own client does not trust the cert). */
  private static double metric(TestServer server, String prefix) throws Exception {
    String text =
        client(HttpClient.Version.HTTP_2)
            .send(server.request("/metrics").build(), HttpResponse.BodyHandlers.ofString())
            .body();
    return text.lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static String curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "-S", "--max-time", "30"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("curl: %s", output).isZero();
    return output.trim();
  }
}
