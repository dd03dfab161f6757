package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.job.Ingestion;
import dev.sluice.http.ServerConfig;
import dev.sluice.http.SluiceServer;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The server's S3 uploads hold their part buffers in the server's memory budget: an upload that
 * cannot get its first part buffer within the admission wait is refused with 503 and {@code
 * Retry-After} (never a 500), the uploads holding buffers run to their end, and every buffer goes
 * back to the budget.
 */
@ExtendWith(S3ProxyExtension.class)
class S3UploadBudgetIT {

  private static final int PART = S3Upload.MIN_PART_SIZE;

  /** What admission reserves for an upload's engine, before the store's part buffers. */
  private static final long ADMITTED =
      (long) Ingestion.DEFAULT_CHUNK_SIZE * Ingestion.DEFAULT_WINDOW;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String bucket;
  private final S3Client client;

  S3UploadBudgetIT(S3 s3) {
    this.bucket = s3.newBucket();
    this.client = s3.client();
  }

  /**
   * A budget whose uploads' share (3/4 of it, which their tickets and their stores' part buffers
   * draw on together) is {@code share}.
   */
  private static long withUploadShare(long share) {
    return (4 * share + 2) / 3;
  }

  private SluiceServer start(long budget) throws Exception {
    S3BlobStore store =
        S3BlobStore.builder(client, S3Location.parse("s3://" + bucket + "/up"))
            .uploads(u -> u.partSize(PART))
            .build();
    return SluiceServer.start(
        ServerConfig.builder()
            .bind("127.0.0.1")
            .port(0)
            .memoryBudget(budget)
            .admissionWait(Duration.ofMillis(200))
            .build(),
        store);
  }

  @Test
  void anUploadThatCannotGetItsFirstPartBufferGets503WhileTheUploadsHoldingBuffersFinish()
      throws Exception {
    // two uploads with one part buffer each, and a third's admission but not its part buffer
    long budget = withUploadShare(2 * (ADMITTED + PART) + ADMITTED + PART / 2);
    try (SluiceServer server = start(budget)) {
      byte[] small = content(100_000, 9);
      assertThat(put(server, "z.bin", small).statusCode()).isEqualTo(201);
      CountDownLatch go = new CountDownLatch(1);
      byte[] a = content(2 * PART + 12_345, 1);
      byte[] b = content(PART + 99, 2);
      CompletableFuture<HttpResponse<String>> first = putAsync(server, "a.bin", held(a, go));
      CompletableFuture<HttpResponse<String>> second = putAsync(server, "b.bin", held(b, go));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(metric(server, "sluice_memory_used_bytes"))
                      .isEqualTo(2 * (ADMITTED + PART)));

      HttpResponse<String> refused = put(server, "c.bin", content(100_000, 3));
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.body())
          .contains("the server is busy: no memory for a part buffer of 5.0 MiB within 200 ms")
          .contains("nothing of this upload was read");

      HttpResponse<String> refusedForm = postForm(server, "d.bin", content(100_000, 4));
      assertThat(refusedForm.statusCode()).as(refusedForm.body()).isEqualTo(503);
      assertThat(refusedForm.headers().firstValue("Retry-After")).hasValue("1");

      // the uploads' parts came out of their share: downloads still find the rest of the budget
      HttpResponse<byte[]> download =
          http.send(
              request(server, "z.bin").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.body()).isEqualTo(small);

      go.countDown();
      assertThat(first.get().statusCode()).as(first.get().body()).isEqualTo(201);
      assertThat(second.get().statusCode()).as(second.get().body()).isEqualTo(201);
      assertThat(stored("a.bin")).isEqualTo(a);
      assertThat(stored("b.bin")).isEqualTo(b);
      assertThat(exists("c.bin")).isFalse();
      assertThat(exists("d.bin")).isFalse();
      assertThat(client.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
      awaitBudgetEmpty(server);
    }
  }

  @Test
  void moreConcurrentPutsThanTheBudgetHoldsAreAnswered201Or503AndNever500() throws Exception {
    long budget = withUploadShare(2 * (ADMITTED + PART) + ADMITTED); // two uploads' first parts
    int uploads = 6;
    try (SluiceServer server = start(budget)) {
      List<byte[]> bodies = new ArrayList<>();
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < uploads; i++) {
        byte[] body = content(2 * PART + 1000 * i, 10 + i);
        bodies.add(body);
        answers.add(
            http.sendAsync(
                request(server, "many/p" + i + ".bin")
                    // a refusal comes before the body is read, and the connection closes: a
                    // client that sent its body at once may lose the answer to a broken pipe
                    .expectContinue(true)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      List<Integer> refused = new ArrayList<>();
      for (int i = 0; i < uploads; i++) {
        HttpResponse<String> answer = answers.get(i).get();
        assertThat(answer.statusCode()).as(answer.body()).isIn(201, 503);
        if (answer.statusCode() == 503) {
          assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
          assertThat(exists("many/p" + i + ".bin")).isFalse();
          refused.add(i);
        } else {
          assertThat(stored("many/p" + i + ".bin")).isEqualTo(bodies.get(i));
        }
      }
      assertThat(refused).hasSizeLessThan(uploads); // the first to get a buffer always finishes
      for (int i : refused) { // one at a time, a refused upload goes through when retried
        HttpResponse<String> retried = put(server, "many/p" + i + ".bin", bodies.get(i));
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
        assertThat(stored("many/p" + i + ".bin")).isEqualTo(bodies.get(i));
      }
      assertThat(client.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
      awaitBudgetEmpty(server);
    }
  }

  @Test
  void aResumableAppendWithoutRoomForItsPartGets503ThenGoesThroughWithRoom() throws Exception {
    long budget = withUploadShare(2 * ADMITTED + PART + PART / 2); // one append's part, not two
    S3BlobStore store =
        S3BlobStore.builder(client, S3Location.parse("s3://" + bucket + "/up"))
            .uploads(u -> u.partSize(PART))
            .build();
    try (SluiceServer server =
        SluiceServer.builder(
                ServerConfig.builder()
                    .bind("127.0.0.1")
                    .port(0)
                    .memoryBudget(budget)
                    .admissionWait(Duration.ofMillis(200))
                    .build(),
                store)
            .uploads(store.uploads(java.time.Clock.systemUTC()))
            .start()) {
      byte[] data = content(PART + 777, 20);
      String upload = tusCreate(server, "tus/a.bin", data.length);
      String other = tusCreate(server, "tus/b.bin", data.length);
      CountDownLatch go = new CountDownLatch(1);
      CompletableFuture<HttpResponse<String>> first =
          http.sendAsync(
              tusPatch(
                  server, upload, HttpRequest.BodyPublishers.ofInputStream(() -> held(data, go))),
              HttpResponse.BodyHandlers.ofString());
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(metric(server, "sluice_memory_used_bytes"))
                      .isEqualTo(ADMITTED + PART));

      HttpResponse<String> refused =
          http.send(
              tusPatch(server, other, HttpRequest.BodyPublishers.ofByteArray(data)),
              HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.body()).contains("no memory for an upload part");

      go.countDown();
      assertThat(first.get().statusCode()).as(first.get().body()).isEqualTo(204);
      HttpResponse<String> retried =
          http.send(
              tusPatch(server, other, HttpRequest.BodyPublishers.ofByteArray(data)),
              HttpResponse.BodyHandlers.ofString());
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(204);
      assertThat(stored("tus/a.bin")).isEqualTo(data);
      assertThat(stored("tus/b.bin")).isEqualTo(data);
      awaitBudgetEmpty(server);
    }
  }

  /** Waits until every byte of the server's memory budget has come back. */
  private void awaitBudgetEmpty(SluiceServer server) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(metric(server, "sluice_memory_used_bytes")).isZero());
  }

  private String tusCreate(SluiceServer server, String key, long length) throws Exception {
    HttpResponse<String> created =
        http.send(
            request(server, key)
                .header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", Long.toString(length))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return created.headers().firstValue("Location").orElseThrow();
  }

  /**
   * A PATCH that sends its body only after {@code 100 Continue}: a refusal before the body is read
   * closes the connection, and a client that sent its body at once may lose the 503 to the reset
   * (README, admission), as curl avoids by sending {@code Expect} for large bodies.
   */
  private HttpRequest tusPatch(SluiceServer server, String upload, HttpRequest.BodyPublisher body) {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + upload))
        .expectContinue(true)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .header("Content-Type", "application/offset+octet-stream")
        .method("PATCH", body)
        .build();
  }

  private HttpRequest.Builder request(SluiceServer server, String path) {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/objects/" + path));
  }

  private HttpResponse<String> put(SluiceServer server, String key, byte[] body) throws Exception {
    return http.send(
        request(server, key).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> putAsync(
      SluiceServer server, String key, InputStream body) {
    return http.sendAsync(
        request(server, key).PUT(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postForm(SluiceServer server, String name, byte[] data)
      throws Exception {
    String boundary = "sluice-budget-boundary";
    ByteArrayOutputStream form = new ByteArrayOutputStream();
    form.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + name
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    form.writeBytes(data);
    form.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return http.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/objects"))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the first sample of {@code name} on {@code /metrics}. */
  private double metric(SluiceServer server, String name) throws Exception {
    String text =
        http.send(
                HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : text.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no metric " + name + " in:\n" + text);
  }

  private byte[] stored(String key) {
    return client
        .getObject(r -> r.bucket(bucket).key("up/" + key), ResponseTransformer.toBytes())
        .asByteArray();
  }

  private boolean exists(String key) {
    try {
      client.headObject(r -> r.bucket(bucket).key("up/" + key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private static byte[] content(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  /** A body that sends its first MiB, then waits for {@code go} before the rest. */
  private static InputStream held(byte[] data, CountDownLatch go) {
    return new InputStream() {
      private int position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] into, int offset, int length) throws IOException {
        if (position == 1 << 20) {
          try {
            go.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted before the rest of the body");
          }
        }
        if (position == data.length) {
          return -1;
        }
        int end = position < 1 << 20 ? Math.min(data.length, 1 << 20) : data.length;
        int n = Math.min(length, end - position);
        System.arraycopy(data, position, into, offset, n);
        position += n;
        return n;
      }
    };
  }
}
