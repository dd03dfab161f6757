package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static dev.sluice.http.TestServer.eventually;
import static dev.sluice.http.TestServer.readHead;
import static dev.sluice.http.TestServer.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery's behaviour over HTTP. Every download here is throttled (a maximum rate), so this runs
 * the buffered path; {@link SendfileDeliveryIT} runs the same tests without a rate, where plain
 * downloads go out by sendfile.
 */
class DeliveryIT {

  private static final int SIZE = 1_000_000;
  private static final byte[] DATA = bytes(SIZE, 42);
  private static TestServer server;
  private static String etag;

  @BeforeAll
  static void start() throws Exception {
    start(b -> b.maxRate(10L << 20));
  }

  static void start(UnaryOperator<ServerConfig.Builder> settings) throws Exception {
    server = TestServer.start(settings);
    assertThat(server.put("d/data.bin", DATA, "Content-Type", "application/x-data").statusCode())
        .isEqualTo(201);
    etag = server.get("/objects/d/data.bin").headers().firstValue("ETag").orElseThrow();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static byte[] slice(long first, long last) {
    return Arrays.copyOfRange(DATA, (int) first, (int) last + 1);
  }

  @Test
  void fullGetCarriesValidatorsLengthAndReprDigest() throws Exception {
    HttpResponse<byte[]> get = server.get("/objects/d/data.bin");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(DATA);
    var h = get.headers();
    assertThat(h.firstValue("ETag").orElseThrow()).startsWith("\"").endsWith("\"");
    assertThat(h.firstValue("Last-Modified")).isPresent();
    assertThat(h.firstValue("Accept-Ranges")).hasValue("bytes");
    assertThat(h.firstValue("Content-Length")).hasValue(Integer.toString(SIZE));
    assertThat(h.firstValue("Content-Type")).hasValue("application/x-data");
    String sha =
        Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(DATA));
    assertThat(h.firstValue("Repr-Digest")).hasValue("sha-256=:" + sha + ":");
  }

  @Test
  void headHasTheHeadersAndNoBody() throws Exception {
    HttpResponse<byte[]> head =
        server.send(
            server
                .request("/objects/d/data.bin")
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(SIZE));
    assertThat(head.headers().firstValue("ETag")).hasValue(etag);
  }

  @Test
  void missingObjectIs404() throws Exception {
    HttpResponse<byte[]> get = server.get("/objects/d/none.bin");
    assertThat(get.statusCode()).isEqualTo(404);
    assertThat(new String(get.body(), StandardCharsets.UTF_8)).contains("no object 'd/none.bin'");
  }

  @Test
  void singleSuffixAndOpenEndedRangesAre206WithContentRange() throws Exception {
    HttpResponse<byte[]> single = server.get("/objects/d/data.bin", "Range", "bytes=100-199");
    assertThat(single.statusCode()).isEqualTo(206);
    assertThat(single.headers().firstValue("Content-Range")).hasValue("bytes 100-199/" + SIZE);
    assertThat(single.body()).isEqualTo(slice(100, 199));

    HttpResponse<byte[]> suffix = server.get("/objects/d/data.bin", "Range", "bytes=-500");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.headers().firstValue("Content-Range"))
        .hasValue("bytes " + (SIZE - 500) + "-" + (SIZE - 1) + "/" + SIZE);
    assertThat(suffix.body()).isEqualTo(slice(SIZE - 500, SIZE - 1));

    HttpResponse<byte[]> open = server.get("/objects/d/data.bin", "Range", "bytes=999000-");
    assertThat(open.statusCode()).isEqualTo(206);
    assertThat(open.body()).isEqualTo(slice(999_000, SIZE - 1));
  }

  @Test
  void severalRangesAreMultipartByteranges() throws Exception {
    HttpResponse<byte[]> multi = server.get("/objects/d/data.bin", "Range", "bytes=0-9, 5000-5009");
    assertThat(multi.statusCode()).isEqualTo(206);
    String type = multi.headers().firstValue("Content-Type").orElseThrow();
    assertThat(type).startsWith("multipart/byteranges; boundary=");
    String boundary = type.substring(type.indexOf("boundary=") + 9);
    String body = new String(multi.body(), StandardCharsets.ISO_8859_1);
    assertThat(body)
        .contains(
            "--"
                + boundary
                + "\r\nContent-Type: application/x-data\r\nContent-Range: bytes 0-9/"
                + SIZE
                + "\r\n\r\n"
                + new String(slice(0, 9), StandardCharsets.ISO_8859_1))
        .contains(
            "Content-Range: bytes 5000-5009/"
                + SIZE
                + "\r\n\r\n"
                + new String(slice(5000, 5009), StandardCharsets.ISO_8859_1))
        .endsWith("--" + boundary + "--\r\n");
    assertThat(multi.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(multi.body().length));
  }

  @Test
  void unsatisfiableRangeIs416WithTheSize() throws Exception {
    HttpResponse<byte[]> get = server.get("/objects/d/data.bin", "Range", "bytes=" + SIZE + "-");
    assertThat(get.statusCode()).isEqualTo(416);
    assertThat(get.headers().firstValue("Content-Range")).hasValue("bytes */" + SIZE);
  }

  @Test
  void syntacticallyInvalidRangeIsIgnored() throws Exception {
    HttpResponse<byte[]> get = server.get("/objects/d/data.bin", "Range", "bytes=abc");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(DATA);
  }

  @Test
  void conditionalsGive304And412() throws Exception {
    assertThat(server.get("/objects/d/data.bin", "If-None-Match", etag).statusCode())
        .isEqualTo(304);
    String modified =
        server.get("/objects/d/data.bin").headers().firstValue("Last-Modified").orElseThrow();
    assertThat(server.get("/objects/d/data.bin", "If-Modified-Since", modified).statusCode())
        .isEqualTo(304);
    assertThat(server.get("/objects/d/data.bin", "If-Match", "\"other\"").statusCode())
        .isEqualTo(412);
    assertThat(server.get("/objects/d/data.bin", "If-None-Match", "\"other\"").statusCode())
        .isEqualTo(200);
  }

  @Test
  void ifRangeWithAnotherTagServesTheWholeObject() throws Exception {
    HttpResponse<byte[]> stale =
        server.get("/objects/d/data.bin", "Range", "bytes=0-9", "If-Range", "\"other\"");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(DATA);
    HttpResponse<byte[]> current =
        server.get("/objects/d/data.bin", "Range", "bytes=0-9", "If-Range", etag);
    assertThat(current.statusCode()).isEqualTo(206);
  }

  @Test
  void gzipIsAppliedToFullResponsesOnlyAndRoundTrips() throws Exception {
    HttpResponse<byte[]> gz = server.get("/objects/d/data.bin", "Accept-Encoding", "gzip");
    assertThat(gz.statusCode()).isEqualTo(200);
    assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(gz.headers().firstValue("Repr-Digest")).isEmpty();
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
      assertThat(in.readAllBytes()).isEqualTo(DATA);
    }
    HttpResponse<byte[]> range =
        server.get("/objects/d/data.bin", "Accept-Encoding", "gzip", "Range", "bytes=0-99");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(range.body()).isEqualTo(slice(0, 99));
    HttpResponse<byte[]> refused = server.get("/objects/d/data.bin", "Accept-Encoding", "gzip;q=0");
    assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
  }

  @Test
  void requestedRateThrottlesTheTransfer() throws Exception {
    long start = System.nanoTime();
    HttpResponse<byte[]> get =
        server.get("/objects/d/data.bin?rate=400KiB", "Range", "bytes=0-399999");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(get.body()).isEqualTo(slice(0, 399_999));
    // 400,000 bytes at 409,600 B/s with a burst of one 50 KiB chunk: at least ~0.85 s
    assertThat(seconds).isGreaterThan(0.8);
  }

  @Test
  void badRateIs400() throws Exception {
    HttpResponse<byte[]> get = server.get("/objects/d/data.bin?rate=fast");
    assertThat(get.statusCode()).isEqualTo(400);
    assertThat(new String(get.body(), StandardCharsets.UTF_8))
        .contains("rate: invalid rate 'fast'");
  }

  @Test
  void clientDisconnectMidDownloadIsRecordedAndTheTransferEnds() throws Exception {
    String metric = "sluice_aborts_total{direction=\"download\",reason=\"CLIENT_DISCONNECT\"";
    double before = server.metric(metric);
    try (Socket socket = server.socket()) {
      write(
          socket.getOutputStream(),
          "GET /objects/d/data.bin?rate=100KiB HTTP/1.1\r\nHost: x\r\n\r\n");
      InputStream in = socket.getInputStream();
      assertThat(readHead(in)).startsWith("HTTP/1.1 200");
      in.readNBytes(20_000);
    }
    eventually(() -> assertThat(server.metric(metric)).isEqualTo(before + 1));
    eventually(
        () ->
            assertThat(server.sendText(server.request("/jobs").GET().build()).body())
                .doesNotContain("d/data.bin"));
    assertThat(server.get("/objects/d/data.bin").body()).isEqualTo(DATA);
  }

  @Test
  void deleteRemovesTheObject() throws Exception {
    assertThat(server.put("d/gone.bin", new byte[] {1}).statusCode()).isEqualTo(201);
    HttpResponse<byte[]> delete =
        server.send(server.request("/objects/d/gone.bin").DELETE().build());
    assertThat(delete.statusCode()).isEqualTo(204);
    assertThat(server.get("/objects/d/gone.bin").statusCode()).isEqualTo(404);
    assertThat(server.send(server.request("/objects/d/gone.bin").DELETE().build()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void rangeRequestsAreCountedByKind() throws Exception {
    double before = server.metric("sluice_range_requests_total{kind=\"single\"");
    server.get("/objects/d/data.bin", "Range", "bytes=1-2");
    assertThat(server.metric("sluice_range_requests_total{kind=\"single\"")).isEqualTo(before + 1);
  }
}
