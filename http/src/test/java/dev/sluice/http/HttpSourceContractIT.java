package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Source;
import dev.sluice.core.testing.SourceContract;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The source contract, run against what an {@code http://} location opens (the resuming HTTP
 * download source), reading objects the project's own server serves.
 */
class HttpSourceContractIT extends SourceContract {

  private static final AtomicInteger KEYS = new AtomicInteger();
  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start(settings -> settings);
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @Override
  protected Source newSource(byte[] content) throws IOException {
    String path = "/objects/contract/" + KEYS.incrementAndGet() + ".bin";
    try {
      int status =
          server
              .send(
                  server.request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build())
              .statusCode();
      assertThat(status).as("PUT " + path).isEqualTo(201);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return new HttpEndpointProvider().openSource(server.uri(path).toString(), Map.of());
  }
}
