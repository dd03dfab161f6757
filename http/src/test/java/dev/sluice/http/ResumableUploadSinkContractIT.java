package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.testing.SinkContract;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The sink contract, run against resumable uploads (IETF) to the project's own server. */
class ResumableUploadSinkContractIT extends SinkContract {

  private static final AtomicInteger KEYS = new AtomicInteger();
  private static TestServer server;
  private String key;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start(settings -> settings);
  }

  @AfterAll
  static void stopServer() throws IOException {
    server.close();
  }

  @Override
  protected Sink newSink() throws IOException {
    key = "contract/" + KEYS.incrementAndGet() + ".bin";
    return ResumableUploadSink.builder(server.uri("/objects/" + key)).build();
  }

  @Override
  protected void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
    try {
      assertThat(server.get("/objects/" + key).body()).isEqualTo(expected);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  protected void assertNothingVisible() throws IOException {
    try {
      assertThat(server.get("/objects/" + key).statusCode()).isEqualTo(404);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
