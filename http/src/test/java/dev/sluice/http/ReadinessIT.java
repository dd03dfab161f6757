package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static dev.sluice.http.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code /health} says the process answers; {@code /health/ready} says it can serve: the store
 * answers its probe and the server is not draining (issue 16).
 */
class ReadinessIT {

  @Test
  void readyWhenTheStoreAnswers() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      var ready = server.sendText(server.request("/health/ready").build());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body().replaceAll("\\s", ""))
          .isEqualTo("{\"status\":\"ready\",\"checks\":{\"store\":\"ok\",\"server\":\"ok\"}}");
    }
  }

  @Test
  void notReadyWhenTheStoreFolderIsGoneNamingTheCheckButNoPath() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      Path data = server.store.root();
      try (Stream<Path> walk = Files.walk(data)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      var notReady = server.sendText(server.request("/health/ready").build());
      assertThat(notReady.statusCode()).isEqualTo(503);
      assertThat(notReady.body().replaceAll("\\s", ""))
          .isEqualTo(
              "{\"status\":\"notready\",\"checks\":{\"store\":\"failing\",\"server\":\"ok\"}}");
      assertThat(notReady.body()).doesNotContain(data.toString()).doesNotContain("Exception");
      // liveness is unchanged: the process still answers
      var live = server.sendText(server.request("/health").build());
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.body().replaceAll("\\s", "")).isEqualTo("{\"status\":\"ok\"}");
    }
  }

  @Test
  @SuppressWarnings("try") // the client goes away before the drain can end
  void notReadyWhileDraining() throws Exception {
    try (TestServer server = TestServer.start(b -> b.grace(java.time.Duration.ofSeconds(10)))) {
      server.put("r/slow.bin", bytes(1 << 20, 1));
      try (Socket socket = server.socket()) {
        TestServer.write(
            socket.getOutputStream(),
            "GET /objects/r/slow.bin?rate=16KiB HTTP/1.1\r\nHost: x\r\n\r\n");
        TestServer.readHead(socket.getInputStream());
        CompletableFuture<Boolean> shutdown =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return server.server.shutdown(java.time.Duration.ofSeconds(10));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        eventually(
            () -> {
              var draining = server.sendText(server.request("/health/ready").build());
              assertThat(draining.statusCode()).isEqualTo(503);
              assertThat(draining.body().replaceAll("\\s", "")).contains("\"server\":\"draining\"");
            });
        socket.close();
        shutdown.join();
      }
    }
  }
}
