package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A process whose direct memory is exhausted by someone else (issue 12, defects 3 and 4): a
 * download that cannot get its buffer is refused with 503 + Retry-After, never a 500 carrying the
 * allocator's message, and leaves no phantom transfer in {@code /jobs}.
 */
class DirectMemoryIT {

  @Test
  void aDownloadThatCannotGetItsBufferIsRefusedWith503AndLeavesNoTransferBehind() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      server.put("dm/a.bin", bytes(1 << 20, 3));
      List<ByteBuffer> hog = new ArrayList<>();
      List<HttpResponse<byte[]>> answers = new ArrayList<>();
      try {
        fillDirectMemory(hog);
        for (int i = 0; i < 5; i++) {
          // a rate of its own gives each download a buffer size no idle pooled buffer has
          answers.add(server.get("/objects/dm/a.bin?rate=" + (1000 + i) + "KiB"));
        }
      } finally {
        hog.clear();
        System.gc();
      }
      for (HttpResponse<byte[]> answer : answers) {
        String body = new String(answer.body());
        if (answer.statusCode() != 200) {
          assertThat(answer.statusCode()).as(body).isEqualTo(503);
          assertThat(answer.headers().firstValue("Retry-After")).isPresent();
          assertThat(body).doesNotContain("direct buffer memory").doesNotContain("Error");
        }
      }
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertThat(server.get("/jobs").body()).asString().contains("\"transfers\" : [ ]");
                assertThat(server.metric("sluice_transfers_active")).isZero();
              });
      assertThat(server.get("/objects/dm/a.bin").statusCode()).isEqualTo(200);
    }
  }

  /** Takes direct memory in 1 MiB, then 4 KiB, pieces until none is left. */
  private static void fillDirectMemory(List<ByteBuffer> hog) {
    for (int size : new int[] {1 << 20, 4096}) {
      try {
        while (true) {
          hog.add(ByteBuffer.allocateDirect(size));
        }
      } catch (OutOfMemoryError full) {
        // next size, or done
      }
    }
  }
}
