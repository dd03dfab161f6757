package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.blob.FileBlobStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing unauthenticated reveals the configuration, and no answer or start-up line echoes a secret
 * (issue 12, defect 1). The cli's {@code ServeSecretsIT} does the same with real PostgreSQL and
 * Redis stores.
 */
class SecretLeakIT {

  @TempDir Path dir;

  @Test
  void healthRevealsNeitherTheStoreLocationNorItsPassword() throws Exception {
    String location = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&password=hunter2";
    FileBlobStore store = FileBlobStore.open(Files.createDirectories(dir.resolve("data")));
    ServerConfig config =
        ServerConfig.builder().port(0).store(location).grace(Duration.ofSeconds(1)).build();
    try (SluiceServer server = SluiceServer.start(config, store)) {
      HttpResponse<String> health =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body())
          .doesNotContain("hunter2")
          .doesNotContain("postgresql")
          .doesNotContain(dir.toString());
    }
  }
}
