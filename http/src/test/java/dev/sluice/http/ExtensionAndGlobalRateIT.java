package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.blob.FileBlobStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.server.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExtensionAndGlobalRateIT {

  @TempDir Path dir;

  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void extraRoutesServeBehindTheTokenCheck() throws Exception {
    Request.Handler tables =
        (request, response, callback) -> {
          response.setStatus(200);
          response.write(
              true,
              ByteBuffer.wrap(
                  ("rows of " + Request.getPathInContext(request))
                      .getBytes(StandardCharsets.UTF_8)),
              callback);
          return true;
        };
    ServerConfig config = ServerConfig.builder().port(0).token("t").build();
    try (SluiceServer server =
        SluiceServer.builder(config, FileBlobStore.open(dir.resolve("data")))
            .route("/tables/", tables)
            .start()) {
      URI uri = URI.create(server.baseUrl() + "/tables/orders");
      HttpResponse<String> denied =
          client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(denied.statusCode()).isEqualTo(401);
      HttpResponse<String> ok =
          client.send(
              HttpRequest.newBuilder(uri).header("Authorization", "Bearer t").build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).isEqualTo("rows of /tables/orders");
      HttpResponse<String> other =
          client.send(
              HttpRequest.newBuilder(URI.create(server.baseUrl() + "/nothing")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void theGlobalRateIsSharedByAllDownloads() throws Exception {
    ServerConfig config = ServerConfig.builder().port(0).globalRate(1 << 20).build();
    FileBlobStore store = FileBlobStore.open(dir.resolve("data"));
    try (SluiceServer server = SluiceServer.start(config, store)) {
      byte[] data = bytes(1_000_000, 3);
      client.send(
          HttpRequest.newBuilder(URI.create(server.baseUrl() + "/objects/g.bin"))
              .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      long start = System.nanoTime();
      HttpRequest get =
          HttpRequest.newBuilder(URI.create(server.baseUrl() + "/objects/g.bin")).build();
      CompletableFuture<HttpResponse<byte[]>> a =
          client.sendAsync(get, HttpResponse.BodyHandlers.ofByteArray());
      CompletableFuture<HttpResponse<byte[]>> b =
          client.sendAsync(get, HttpResponse.BodyHandlers.ofByteArray());
      assertThat(a.get().body()).isEqualTo(data);
      assertThat(b.get().body()).isEqualTo(data);
      double seconds = (System.nanoTime() - start) / 1e9;
      // 2,000,000 bytes through one 1 MiB/s bucket that starts with a 256 KiB burst: >= 1.66 s
      assertThat(seconds).isGreaterThan(1.5);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }
    assertThat(Files.exists(dir.resolve("data").resolve("g.bin"))).isTrue();
  }
}
