package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Throttled downloads whose client goes away (issue 12, defect 5): the transfer ends, leaves {@code
 * /jobs} and closes its file within seconds, not when its next chunk of tokens arrives.
 */
class AbandonedDownloadIT {

  @Test
  void anAbandonedThrottledDownloadEndsAndReleasesItsFilesPromptly() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      server.put("ab/big.bin", bytes(1 << 20, 5));
      long before = openFiles();
      for (int i = 0; i < 20; i++) {
        try (Socket socket = server.socket()) {
          TestServer.write(
              socket.getOutputStream(),
              "GET /objects/ab/big.bin?rate=1KiB HTTP/1.1\r\nHost: x\r\n\r\n");
          TestServer.readHead(socket.getInputStream());
        }
      }
      await()
          .atMost(Duration.ofSeconds(8))
          .untilAsserted(
              () -> {
                assertThat(server.get("/jobs").body()).asString().contains("\"transfers\" : [ ]");
                assertThat(openFiles()).isLessThanOrEqualTo(before + 3);
              });
    }
  }

  @Test
  void downloadsAbandonedWhileWaitingForTheGlobalRateEndPromptly() throws Exception {
    try (TestServer server = TestServer.start(b -> b.globalRate(16 * 1024))) {
      server.put("ab/g.bin", bytes(1 << 20, 6));
      long before = openFiles();
      List<Socket> clients = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Socket socket = server.socket();
        clients.add(socket);
        TestServer.write(
            socket.getOutputStream(), "GET /objects/ab/g.bin HTTP/1.1\r\nHost: x\r\n\r\n");
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(server.metric("sluice_transfers_active{direction=\"download\""))
                      .isEqualTo(10));
      for (Socket socket : clients) {
        socket.close();
      }
      await()
          .atMost(Duration.ofSeconds(8))
          .untilAsserted(
              () -> {
                assertThat(server.get("/jobs").body()).asString().contains("\"transfers\" : [ ]");
                assertThat(openFiles()).isLessThanOrEqualTo(before + 3);
              });
    }
  }

  @Test
  void aRateBelowTheFloorIsRefusedNamingTheRateAndTheFloor() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      server.put("ab/small.bin", bytes(10, 5));
      var refused = server.get("/objects/ab/small.bin?rate=1");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(new String(refused.body()))
          .contains("rate 1 (1 B/s) is below the minimum of 1KiB/s (1024 bytes/s)");
      assertThat(server.get("/jobs").body()).asString().contains("\"transfers\" : [ ]");
    }
  }

  /** The file descriptors this process holds now. */
  static long openFiles() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
