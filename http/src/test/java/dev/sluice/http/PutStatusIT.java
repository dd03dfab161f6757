package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 9110 §9.3.4: a PUT that creates an object answers 201, one that replaces it 200 (issue 16),
 * and {@code ?rate=} takes {@code SIZE/s} as the command line's {@code --rate} does.
 */
class PutStatusIT {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(b -> b);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void aNewObjectIs201AndAReplacementIs200WithTheSameBody() throws Exception {
    HttpResponse<String> created = server.put("put/status.txt", bytes("one"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Location")).hasValue("/objects/put/status.txt");

    HttpResponse<String> replaced = server.put("put/status.txt", bytes("two"));
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.body()).contains("\"key\"", "put/status.txt", "\"sha256\"");
    assertThat(new String(server.get("/objects/put/status.txt").body(), StandardCharsets.UTF_8))
        .isEqualTo("two");

    assertThat(server.put("put/status.txt", bytes("three"), "If-None-Match", "*").statusCode())
        .isEqualTo(412);
  }

  @Test
  void aRateTakesSizeOrSizePerSecond() throws Exception {
    server.put("put/rated.bin", new byte[2048]);
    for (String rate : new String[] {"1MiB/s", "1MiB", "64KiB/s"}) {
      HttpResponse<byte[]> response = server.get("/objects/put/rated.bin?rate=" + rate);
      assertThat(response.statusCode()).as(rate).isEqualTo(200);
      assertThat(response.body()).as(rate).hasSize(2048);
    }
    HttpResponse<byte[]> bad = server.get("/objects/put/rated.bin?rate=fast");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new String(bad.body(), StandardCharsets.UTF_8))
        .contains("invalid rate 'fast'", "e.g. 1MiB/s or 1MiB");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
