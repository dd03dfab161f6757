package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Resumable uploads on servers in one process as nodes of a cluster over one shared folder,
 * coordinated through the machine's Redis or PostgreSQL (or, for a server alone, its own): one
 * append per upload at a time across nodes, the loser answered as its protocol says, appends
 * refused (503) and nothing corrupted while Redis does not answer, and expired uploads swept by one
 * node a period.
 */
class ClusterResumableIT {

  private static final String REDIS = ClusterNodes.REDIS;
  private static final String POSTGRES = ClusterNodes.POSTGRES;

  @TempDir Path dir;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<Socket> stalled = new ArrayList<>();
  private ClusterNodes nodes;

  @BeforeEach
  void openStore() throws IOException {
    nodes = new ClusterNodes(dir);
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : stalled) {
      socket.close();
    }
    nodes.stop();
  }

  /** One of the two protocols' requests. */
  private record Protocol(boolean tus) {
    String[] create(long length) {
      return tus
          ? new String[] {"Tus-Resumable", "1.0.0", "Upload-Length", Long.toString(length)}
          : new String[] {"Upload-Complete", "?0", "Upload-Length", Long.toString(length)};
    }

    String[] append(long offset, boolean last) {
      return tus
          ? new String[] {
            "Tus-Resumable",
            "1.0.0",
            "Upload-Offset",
            Long.toString(offset),
            "Content-Type",
            "application/offset+octet-stream"
          }
          : new String[] {
            "Upload-Offset",
            Long.toString(offset),
            "Upload-Complete",
            last ? "?1" : "?0",
            "Content-Type",
            "application/partial-upload"
          };
    }

    String[] head() {
      return tus ? new String[] {"Tus-Resumable", "1.0.0"} : new String[0];
    }

    int appended(boolean last) {
      return tus ? 204 : last ? 201 : 204;
    }
  }

  private HttpRequest request(
      SluiceServer server, String method, String path, BodyPublisher body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, body);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.build();
  }

  private HttpResponse<String> send(
      SluiceServer server, String method, String path, byte[] body, String... headers)
      throws Exception {
    BodyPublisher publisher =
        body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body);
    return client.send(
        request(server, method, path, publisher, headers), HttpResponse.BodyHandlers.ofString());
  }

  private String create(SluiceServer server, Protocol protocol, String key, long length)
      throws Exception {
    HttpResponse<String> created =
        send(server, "POST", "/objects/" + key, null, protocol.create(length));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return created.headers().firstValue("Location").orElseThrow();
  }

  /**
   * An append of {@code length} bytes on a raw connection that sends only {@code prefix} and then
   * waits (the JDK client answers nothing before its body is sent).
   */
  private Stalled stalledAppend(
      SluiceServer server, Protocol protocol, String upload, int length, byte[] prefix)
      throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    stalled.add(socket);
    socket.setSoTimeout(40_000);
    StringBuilder head = new StringBuilder("PATCH " + upload + " HTTP/1.1\r\nHost: x\r\n");
    String[] headers = protocol.append(0, false);
    for (int i = 0; i < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    head.append("Content-Length: ").append(length).append("\r\n\r\n");
    OutputStream out = socket.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(prefix);
    out.flush();
    return new Stalled(socket);
  }

  /** A stalled append's connection. */
  private record Stalled(Socket socket) {
    /** The status the server answered, or -1 when it closed the connection without one. */
    int status() throws IOException {
      byte[] line = new byte[12];
      int n;
      try {
        n = socket.getInputStream().readNBytes(line, 0, line.length);
      } catch (java.net.SocketException e) {
        return -1; // reset by the server
      }
      return n < line.length
          ? -1
          : Integer.parseInt(new String(line, 9, 3, StandardCharsets.US_ASCII));
    }
  }

  private Path staged(String upload) {
    String id = upload.substring(upload.lastIndexOf('/') + 1);
    return dir.resolve("data").resolve(".sluice-uploads").resolve(id + ".data");
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"redis, tus", "redis, ietf", "postgres, tus", "postgres, ietf", "alone, tus"})
  void twoClientsAppendingToOneUploadThroughTwoNodesNeverInterleave(String coord, String kind)
      throws Exception {
    Protocol protocol = new Protocol(kind.equals("tus"));
    SluiceServer a;
    SluiceServer b;
    if (coord.equals("alone")) { // no --coord: the server's own leases, both clients on it
      a = nodes.node(null, null, c -> c);
      b = a;
    } else {
      String url = ClusterNodes.require(coord.equals("redis") ? REDIS : POSTGRES);
      a = nodes.node(url, "node-a", c -> c);
      b = nodes.node(url, "node-b", c -> c);
    }
    int length = 300_000;
    int sentFirst = 100_000;
    byte[] first = bytes(length, 1);
    byte[] second = bytes(length, 2);
    String upload = create(a, protocol, "shared.bin", length);

    // client 1 appends through node a and stalls after 100,000 bytes
    Stalled one = stalledAppend(a, protocol, upload, length, Arrays.copyOf(first, sentFirst));
    await().atMost(Duration.ofSeconds(20)).until(() -> received(a) == sentFirst);

    // client 2 appends its whole upload from 0 through node b: node a's append ends at its durable
    // offset, and client 2 is told the offset it missed
    HttpResponse<String> two = send(b, "PATCH", upload, second, protocol.append(0, true));
    assertThat(two.statusCode()).as(two.body()).isEqualTo(409);
    assertThat(two.headers().firstValue("Upload-Offset")).contains(Integer.toString(sentFirst));
    if (!protocol.tus()) {
      assertThat(two.body()).contains("#mismatching-upload-offset");
    }
    assertThat(one.status()).as("interrupted: 409 or the connection closed").isIn(409, -1);
    assertThat(Files.size(staged(upload))).isEqualTo(sentFirst);

    // client 1 resumes through node b from the offset the store holds
    HttpResponse<String> head = send(b, "HEAD", upload, null, protocol.head());
    assertThat(head.headers().firstValue("Upload-Offset")).contains(Integer.toString(sentFirst));
    HttpResponse<String> rest =
        send(
            b,
            "PATCH",
            upload,
            Arrays.copyOfRange(first, sentFirst, length),
            protocol.append(sentFirst, true));
    assertThat(rest.statusCode()).as(rest.body()).isEqualTo(protocol.appended(true));
    assertThat(rest.headers().firstValue("Upload-Offset")).contains(Integer.toString(length));

    HttpResponse<byte[]> stored =
        client.send(
            request(a, "GET", "/objects/shared.bin", BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(stored.body()).as("exactly client 1's bytes, in order").isEqualTo(first);
  }

  @Test
  void whileRedisDoesNotAnswerAppendsStopAtADurableOffsetWith503AndGoOnWhenItReturns()
      throws Exception {
    ClusterNodes.require(REDIS);
    Protocol tus = new Protocol(true);
    try (TcpProxy proxy = new TcpProxy(6379)) {
      SluiceServer a = nodes.node("redis://127.0.0.1:" + proxy.port() + "/0", "node-a", c -> c);
      int length = 300_000;
      int sentFirst = 100_000;
      byte[] data = bytes(length, 3);
      String upload = create(a, tus, "cut.bin", length);
      Stalled one = stalledAppend(a, tus, upload, length, Arrays.copyOf(data, sentFirst));
      await().atMost(Duration.ofSeconds(20)).until(() -> received(a) == sentFirst);

      proxy.cut();
      byte[] rest = Arrays.copyOfRange(data, sentFirst, length);
      // fail-closed: an append that cannot take its lease is refused before it writes, also on
      // this node, which holds the lease (it cannot ask its own append to end through the store)
      HttpResponse<String> refused = send(a, "PATCH", upload, rest, tus.append(sentFirst, true));
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).isPresent();
      assertThat(refused.body()).contains("coordination store does not answer");
      // the append in progress stops once its lease lapses (lease time 10 s): what it wrote under
      // the lease stays, the bytes still in its buffer are not written without the lease
      assertThat(one.status()).isEqualTo(503);
      long durable = Files.size(staged(upload));
      assertThat(durable).isIn(0L, (long) sentFirst);
      assertThat(send(a, "HEAD", upload, null, tus.head()).statusCode()).isEqualTo(503);

      proxy.restore();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                HttpResponse<String> head = send(a, "HEAD", upload, null, tus.head());
                assertThat(head.statusCode()).isEqualTo(200);
                assertThat(head.headers().firstValue("Upload-Offset"))
                    .contains(Long.toString(durable));
              });
      HttpResponse<String> resumed =
          send(
              a,
              "PATCH",
              upload,
              Arrays.copyOfRange(data, (int) durable, length),
              tus.append(durable, true));
      assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(204);
      HttpResponse<byte[]> stored =
          client.send(
              request(a, "GET", "/objects/cut.bin", BodyPublishers.noBody()),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(stored.body()).isEqualTo(data);
    }
  }

  @Test
  void onlyOneNodeSweepsExpiredUploadsEachPeriod() throws Exception {
    String coord = ClusterNodes.require(REDIS);
    long start = System.nanoTime();
    // a 10 s expiry sweeps every second: two nodes sweeping on their own would make two a second
    SluiceServer a = nodes.node(coord, "node-a", c -> c.uploadExpiry(Duration.ofSeconds(10)));
    SluiceServer b = nodes.node(coord, "node-b", c -> c.uploadExpiry(Duration.ofSeconds(10)));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> sweeps(a) + sweeps(b) >= 5);
    double seconds = (System.nanoTime() - start) / 1e9;
    double total = sweeps(a) + sweeps(b);
    assertThat(total).as("sweeps in %.1f s", seconds).isLessThanOrEqualTo(Math.ceil(seconds) + 1);
    System.gc(); // the upload gauges read their suppliers through strong references, not NaN
    assertThat(metric(a, "sluice_uploads_appending")).isEqualTo(0.0);
    assertThat(metric(b, "sluice_uploads_in_progress")).isEqualTo(0.0);
  }

  private double sweeps(SluiceServer server) throws Exception {
    return metric(server, "sluice_upload_sweeps_total");
  }

  /** Request bytes {@code server} has read (the engine writes a partial chunk only as it ends). */
  private double received(SluiceServer server) throws Exception {
    return metric(server, "sluice_received_bytes_total");
  }

  /** The sum of the samples of counter {@code name}, or 0. */
  private double metric(SluiceServer server, String name) throws Exception {
    return client
        .send(
            request(server, "GET", "/metrics", BodyPublishers.noBody()),
            HttpResponse.BodyHandlers.ofString())
        .body()
        .lines()
        .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
