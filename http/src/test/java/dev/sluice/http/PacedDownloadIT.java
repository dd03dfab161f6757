package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Throttled downloads (issue 18): one parked until its rate allows more holds no payload buffer,
 * only its reservation of one chunk in the memory budget, and borrows a buffer for each write; its
 * body is the same as an unthrottled one's, ranges, multipart/byteranges and gzip included.
 */
class PacedDownloadIT {

  private static final int SIZE = 100_000;
  private static final byte[] DATA = bytes(SIZE, 18);

  @Test
  void pacedDownloadsWaitingForTokensHoldNoBufferButKeepTheirReservation() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      server.put("pd/slow.bin", DATA);
      List<Socket> clients = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          Socket socket = server.socket();
          clients.add(socket);
          // 8 KiB/s: chunks of 1 KiB, one write about every 125 ms, the rest of the time parked
          TestServer.write(
              socket.getOutputStream(),
              "GET /objects/pd/slow.bin?rate=8KiB HTTP/1.1\r\nHost: x\r\n\r\n");
          assertThat(TestServer.readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  assertThat(server.metric("sluice_transfers_active")).isEqualTo(20);
                  assertThat(server.metric("sluice_memory_used_bytes")).isEqualTo(20 * 1024);
                  assertThat(server.metric("sluice_memory_held_bytes")).isZero();
                });
      } finally {
        for (Socket socket : clients) {
          socket.close();
        }
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(server.metric("sluice_transfers_active")).isZero();
                assertThat(server.metric("sluice_memory_used_bytes")).isZero();
                assertThat(server.metric("sluice_memory_held_bytes")).isZero();
              });
    }
  }

  @Test
  void aPacedBodyIsTheUnpacedOneForFullRangeMultipartAndGzipResponses() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      server.put("pd/data.bin", DATA);
      // 256 KiB/s: chunks of 32 KiB, so ranges and parts cross and end inside chunks
      String paced = "/objects/pd/data.bin?rate=256KiB";
      String unpaced = "/objects/pd/data.bin";

      assertThat(server.get(paced).body()).isEqualTo(DATA);

      HttpResponse<byte[]> range = server.get(paced, "Range", "bytes=1000-70000");
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(DATA, 1000, 70001));

      String ranges = "bytes=0-99,5000-40000,90000-";
      HttpResponse<byte[]> multipart = server.get(paced, "Range", ranges);
      HttpResponse<byte[]> reference = server.get(unpaced, "Range", ranges);
      assertThat(multipart.statusCode()).isEqualTo(206);
      assertThat(withoutBoundary(multipart)).isEqualTo(withoutBoundary(reference));

      HttpResponse<byte[]> gzip = server.get(paced, "Accept-Encoding", "gzip");
      assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.body()))) {
        assertThat(in.readAllBytes()).isEqualTo(DATA);
      }
      assertThat(server.metric("sluice_memory_held_bytes")).isZero();
    }
  }

  /** A multipart body with its random boundary replaced by a fixed one. */
  private static String withoutBoundary(HttpResponse<byte[]> response) {
    String type = response.headers().firstValue("Content-Type").orElseThrow();
    assertThat(type).startsWith("multipart/byteranges; boundary=");
    String boundary = type.substring(type.indexOf("boundary=") + "boundary=".length());
    return new String(response.body(), StandardCharsets.ISO_8859_1).replace(boundary, "BOUNDARY");
  }
}
