package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static dev.sluice.http.TestServer.eventually;
import static dev.sluice.http.TestServer.readHead;
import static dev.sluice.http.TestServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.Sources;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.job.Ingestion;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Zero-copy downloads (issue 18): a plain HTTP/1.1 GET of a file-store object is sent by the kernel
 * from the file to the socket, whole or one range, on a connection that stays usable, with the
 * metrics, the access log and the job registry as the buffered path keeps them.
 */
class SendfileIT {

  private static final int SIZE = 3 * 1024 * 1024 + 17;
  private static final byte[] DATA = bytes(SIZE, 18);
  private static final String DIRECT = "sluice_sent_direct_bytes_total";
  private static final String SENT = "sluice_sent_bytes_total";
  private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(b -> b, s -> s.accessLog(LINES::add));
    assertThat(server.put("z/data.bin", DATA).statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void aWholeObjectAndThenARangeGoOutBySendfileOnOneKeptAliveConnection() throws Exception {
    double directBefore = server.metric(DIRECT);
    double sentBefore = server.metric(SENT);
    try (Socket socket = server.socket()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();

      write(out, "GET /objects/z/data.bin HTTP/1.1\r\nHost: x\r\n\r\n");
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200").contains("Content-Length: " + SIZE + "\r\n");
      assertThat(head).doesNotContainIgnoringCase("transfer-encoding").doesNotContain("close");
      assertThat(in.readNBytes(SIZE)).isEqualTo(DATA);

      // the same connection answers the next request: Jetty saw the response end cleanly
      write(out, "GET /objects/z/data.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=1000-1999\r\n\r\n");
      String partial = readHead(in);
      assertThat(partial)
          .startsWith("HTTP/1.1 206")
          .contains("Content-Length: 1000\r\n")
          .contains("Content-Range: bytes 1000-1999/" + SIZE + "\r\n");
      assertThat(in.readNBytes(1000)).isEqualTo(Arrays.copyOfRange(DATA, 1000, 2000));

      write(out, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(readHead(in)).startsWith("HTTP/1.1 200");
    }
    eventually(() -> assertThat(server.metric(SENT)).isEqualTo(sentBefore + SIZE + 1000));
    // the kernel sent them (a few single bytes may have gone through Jetty while the socket was
    // full)
    assertThat(server.metric(DIRECT) - directBefore).isGreaterThan(SIZE / 2.0);
    assertThat(server.metric(DIRECT) - directBefore).isLessThanOrEqualTo(SIZE + 1000);
  }

  @Test
  void anHttp10ClientGetsTheLengthAndTheBodyAndThenTheEndOfTheConnection() throws Exception {
    double directBefore = server.metric(DIRECT);
    try (Socket socket = server.socket()) {
      write(socket.getOutputStream(), "GET /objects/z/data.bin HTTP/1.0\r\n\r\n");
      InputStream in = socket.getInputStream();
      assertThat(readHead(in)).startsWith("HTTP/1.1 200").contains("Content-Length: " + SIZE);
      assertThat(in.readAllBytes()).isEqualTo(DATA); // then the server closes: not persistent
    }
    assertThat(server.metric(DIRECT)).isGreaterThan(directBefore);
  }

  @Test
  void theJdkClientGetsTheSameBytesOverAndOverOnItsPooledConnection() throws Exception {
    for (int i = 0; i < 3; i++) {
      HttpResponse<byte[]> get = server.get("/objects/z/data.bin");
      assertThat(get.statusCode()).isEqualTo(200);
      assertThat(get.body()).isEqualTo(DATA);
      HttpResponse<byte[]> suffix = server.get("/objects/z/data.bin", "Range", "bytes=-10");
      assertThat(suffix.statusCode()).isEqualTo(206);
      assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(DATA, SIZE - 10, SIZE));
    }
  }

  @Test
  void aClientThatStopsReadingStallsTheKernelAndTheRestGoesOutWhenItReadsAgain() throws Exception {
    byte[] big = bytes(24 << 20, 19);
    assertThat(server.put("z/big.bin", big).statusCode()).isEqualTo(201);
    double directBefore = server.metric(DIRECT);
    double sentBefore = server.metric(SENT);
    try (Socket socket = smallWindow("/objects/z/big.bin")) {
      awaitStalled(sentBefore);
      assertThat(server.metric(SENT) - sentBefore).isLessThan(big.length);
      InputStream in = socket.getInputStream();
      assertThat(readHead(in)).startsWith("HTTP/1.1 200");
      assertThat(in.readNBytes(big.length)).isEqualTo(big);
    }
    eventually(() -> assertThat(server.metric(SENT)).isEqualTo(sentBefore + big.length));
    double direct = server.metric(DIRECT) - directBefore;
    assertThat(direct).as("sent by the kernel").isGreaterThan(big.length / 2.0);
    assertThat(big.length - direct)
        .as("single bytes Jetty wrote when the socket was full")
        .isPositive();
  }

  @Test
  void aClientThatLeavesMidBodyIsAClientDisconnectAndLeavesNoJob() throws Exception {
    byte[] big = bytes(32 << 20, 20);
    assertThat(server.put("z/leave.bin", big).statusCode()).isEqualTo(201);
    String aborts = "sluice_aborts_total{direction=\"download\",reason=\"CLIENT_DISCONNECT\"";
    String ended = "sluice_transfers_total{direction=\"download\",outcome=\"aborted\"";
    double abortsBefore = server.metric(aborts);
    double endedBefore = server.metric(ended);
    double sentBefore = server.metric(SENT);
    try (Socket socket = smallWindow("/objects/z/leave.bin")) {
      InputStream in = socket.getInputStream();
      assertThat(readHead(in)).startsWith("HTTP/1.1 200");
      assertThat(in.readNBytes(100_000)).isEqualTo(Arrays.copyOf(big, 100_000));
    }
    eventually(() -> assertThat(server.metric(aborts)).isEqualTo(abortsBefore + 1));
    assertThat(server.metric(ended)).isEqualTo(endedBefore + 1);
    eventually(() -> assertThat(server.get("/jobs").body()).asString().doesNotContain("z/leave"));
    assertThat(server.metric(SENT) - sentBefore).isBetween(100_000.0, big.length - 1.0);
    eventually(
        () ->
            assertThat(lines("/objects/z/leave.bin"))
                .filteredOn(f -> f.get("method").equals("GET"))
                .singleElement()
                .satisfies(f -> assertThat(f).containsEntry("abort", "CLIENT_DISCONNECT")));
    // the server goes on serving
    assertThat(server.get("/objects/z/data.bin").body()).isEqualTo(DATA);
  }

  @Test
  void aCancelStopsADownloadWaitingForAFullSocketWithTheCancelsReason() throws Exception {
    byte[] big = bytes(24 << 20, 21);
    assertThat(server.put("z/cancel.bin", big).statusCode()).isEqualTo(201);
    String cancelled = "sluice_aborts_total{direction=\"download\",reason=\"CANCELLED\"";
    double before = server.metric(cancelled);
    double sentBefore = server.metric(SENT);
    try (Socket socket = smallWindow("/objects/z/cancel.bin")) {
      awaitStalled(sentBefore);
      AtomicReference<JsonNode> job = new AtomicReference<>();
      eventually(
          () -> {
            for (JsonNode t : JSON.readTree(server.get("/jobs").body()).get("transfers")) {
              if (t.get("key").asText().equals("z/cancel.bin")) {
                job.set(t);
              }
            }
            assertThat(job.get()).isNotNull();
          });
      long id = job.get().get("id").asLong();
      assertThat(server.send(server.request("/jobs/" + id).DELETE().build()).statusCode())
          .isEqualTo(202);
      eventually(() -> assertThat(server.metric(cancelled)).isEqualTo(before + 1));
      eventually(
          () -> assertThat(server.get("/jobs").body()).asString().doesNotContain("z/cancel"));
      // the client is cut off: a short body, then the end of the stream or a reset
      long read = 0;
      try (InputStream in = socket.getInputStream()) {
        read = in.transferTo(OutputStream.nullOutputStream());
      } catch (java.io.IOException reset) {
        // what was read before the reset is short, too
      }
      assertThat(read).isLessThan(big.length);
    }
    assertThat(server.get("/objects/z/data.bin").body()).isEqualTo(DATA);
  }

  @Test
  void aDownloadBySendfileIsCountedAtSixtyFourKibWhileABufferedOneIsRefusedForWantOfItsBuffer()
      throws Exception {
    try (TestServer tight =
        TestServer.start(b -> b.memoryBudget(128 * 1024).admissionWait(Duration.ofMillis(200)))) {
      byte[] big = bytes(24 << 20, 22); // more than the socket buffers hold: the download waits
      Ingestion.from(Sources.from(new ByteArrayInputStream(big)))
          .to(tight.store.create("m/a.bin", new BlobSpec(null, true, null)))
          .run();
      // the buffered path needs one 256 KiB buffer: more than the whole budget; sendfile is
      // counted at 64 KiB, within the 96 KiB one direction may hold
      HttpResponse<byte[]> buffered = tight.get("/objects/m/a.bin", "Accept-Encoding", "gzip");
      assertThat(buffered.statusCode()).isEqualTo(503);
      assertThat(new String(buffered.body(), StandardCharsets.UTF_8))
          .contains("its memory budget of 128 KiB is in use");
      try (Socket socket = smallWindowTo(tight, "/objects/m/a.bin")) {
        eventually(() -> assertThat(tight.get("/jobs").body()).asString().contains("m/a.bin"));
        assertThat(tight.metric("sluice_memory_used_bytes")).isEqualTo(64 * 1024);
        InputStream in = socket.getInputStream();
        assertThat(readHead(in)).startsWith("HTTP/1.1 200");
        assertThat(in.readNBytes(big.length)).isEqualTo(big);
      }
    }
  }

  @Test
  void aClientThatNeverReadsIsCutOffByTheIdleTimeoutAndLeavesNoJob() throws Exception {
    try (TestServer idle = TestServer.start(b -> b.idleTimeout(Duration.ofSeconds(1)))) {
      assertThat(idle.put("i/big.bin", bytes(24 << 20, 23)).statusCode()).isEqualTo(201);
      String aborts = "sluice_aborts_total{direction=\"download\",reason=\"CLIENT_DISCONNECT\"";
      try (Socket socket = smallWindowTo(idle, "/objects/i/big.bin")) {
        eventually(() -> assertThat(idle.metric(aborts)).isOne());
        eventually(() -> assertThat(idle.get("/jobs").body()).asString().doesNotContain("i/big"));
        assertThat(idle.metric(DIRECT)).isPositive();
        assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
      }
    }
  }

  @Test
  void theAccessLogCountsTheBytesTheKernelSent() throws Exception {
    assertThat(server.put("z/log.bin", DATA).statusCode()).isEqualTo(201);
    assertThat(server.get("/objects/z/log.bin").body()).isEqualTo(DATA);
    assertThat(server.get("/objects/z/log.bin", "Range", "bytes=5-9").body())
        .isEqualTo(Arrays.copyOfRange(DATA, 5, 10));
    eventually(() -> assertThat(lines("/objects/z/log.bin")).hasSize(3));
    assertThat(lines("/objects/z/log.bin"))
        .filteredOn(f -> f.get("method").equals("GET"))
        .extracting(f -> f.get("status") + " " + f.get("out") + " " + f.get("abort"))
        .containsExactly("200 " + SIZE + " -", "206 5 -");
  }

  @Test
  void headConditionalsAndUnsatisfiableRangesAnswerAsBefore() throws Exception {
    String etag = server.get("/objects/z/data.bin").headers().firstValue("ETag").orElseThrow();
    assertThat(server.get("/objects/z/data.bin", "If-None-Match", etag).statusCode())
        .isEqualTo(304);
    assertThat(server.get("/objects/z/data.bin", "Range", "bytes=" + SIZE + "-").statusCode())
        .isEqualTo(416);
    HttpResponse<byte[]> head =
        server.send(
            server
                .request("/objects/z/data.bin")
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(SIZE));
    assertThat(head.body()).isEmpty();
  }

  @Test
  void gzipAndRatesKeepTheBufferedPath() throws Exception {
    double directBefore = server.metric(DIRECT);
    HttpResponse<byte[]> gzip = server.get("/objects/z/data.bin", "Accept-Encoding", "gzip");
    assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
    HttpResponse<byte[]> paced =
        server.get("/objects/z/data.bin?rate=100MiB", "Range", "bytes=0-9");
    assertThat(paced.body()).isEqualTo(Arrays.copyOf(DATA, 10));
    HttpResponse<byte[]> multi =
        server.get("/objects/z/data.bin", "Range", "bytes=0-0,2000000-2000000");
    assertThat(multi.statusCode()).isEqualTo(206);
    assertThat(server.metric(DIRECT)).isEqualTo(directBefore);
  }

  /**
   * Waits until the body sent stops growing past {@code sentBefore}: the client reads nothing, the
   * socket is full and the transfer waits for it.
   */
  private static void awaitStalled(double sentBefore) {
    AtomicReference<Double> last = new AtomicReference<>(-1.0);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              double now = server.metric(SENT);
              return now > sentBefore && now == last.getAndSet(now);
            });
  }

  /** A connection with a small receive buffer that has asked for {@code path}. */
  private static Socket smallWindow(String path) throws Exception {
    return smallWindowTo(server, path);
  }

  private static Socket smallWindowTo(TestServer to, String path) throws Exception {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(64 * 1024);
    socket.connect(new InetSocketAddress("127.0.0.1", to.server.port()));
    socket.setSoTimeout(20_000);
    write(socket.getOutputStream(), "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    return socket;
  }

  private static List<Map<String, String>> lines(String url) {
    return LINES.stream().map(AccessLogIT::fields).filter(f -> url.equals(f.get("url"))).toList();
  }
}
