package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.http.ServerConfig;
import dev.sluice.http.SluiceServer;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Readiness over S3 (issue 16): a server whose bucket does not exist stays alive ({@code /health}
 * 200) but is not ready ({@code /health/ready} 503 naming the store), where before every PUT was a
 * 500 behind a health check that said "ok".
 */
@ExtendWith(S3ProxyExtension.class)
class S3ReadinessIT {

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(SluiceServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aStoreOverAMissingBucketIsAliveButNotReady(S3 s3) throws Exception {
    S3BlobStore missing =
        S3BlobStore.open(s3.client(), S3Location.parse("s3://missing-bucket-" + System.nanoTime()));
    assertThatThrownBy(missing::checkReady)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("bucket");
    try (SluiceServer server =
        SluiceServer.start(ServerConfig.builder().port(0).build(), missing)) {
      assertThat(get(server, "/health").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = get(server, "/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body().replaceAll("\\s", ""))
          .isEqualTo(
              "{\"status\":\"notready\",\"checks\":{\"store\":\"failing\",\"server\":\"ok\"}}");
      assertThat(ready.body()).doesNotContain("missing-bucket");
    }
  }

  @Test
  void aStoreOverAnExistingBucketIsReady(S3 s3) throws Exception {
    S3BlobStore present =
        S3BlobStore.open(s3.client(), S3Location.parse("s3://" + s3.newBucket() + "/p"));
    present.checkReady();
    try (SluiceServer server =
        SluiceServer.start(ServerConfig.builder().port(0).build(), present)) {
      assertThat(get(server, "/health/ready").statusCode()).isEqualTo(200);
    }
  }
}
