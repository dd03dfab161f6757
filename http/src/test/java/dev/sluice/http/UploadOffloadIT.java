package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ForwardingSink;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.blob.FileBlobStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Uploads hash and write on the server's worker pool, so they leave the virtual-thread carriers to
 * every other request.
 */
class UploadOffloadIT {

  private static final int LARGE_UPLOAD = 256 << 20;
  private static final int CONCURRENT_UPLOADS = 3;
  private static final Duration HEALTH_BOUND = Duration.ofSeconds(2);

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  // its own client and connection: the uploads' client would queue the probe behind their bodies
  private final HttpClient healthClient =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private Path dir;

  @BeforeEach
  void folder() throws IOException {
    dir = Files.createTempDirectory("sluice-offload-it");
  }

  @AfterEach
  void cleanUp() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void putAndMultipartPartsWriteToTheStoreOnWorkerThreadsWhenWorkersAreSet() throws Exception {
    ThreadRecordingStore store = new ThreadRecordingStore(FileBlobStore.open(dir.resolve("data")));
    try (SluiceServer server = start(store, 2)) {
      assertThat(put(server, "a.bin", 3 << 20).statusCode()).isEqualTo(201);
      assertThat(postMultipart(server, 600_000).statusCode()).isEqualTo(201);
    }
    assertThat(store.writers)
        .isNotEmpty()
        .allSatisfy(name -> assertThat(name).startsWith("platform sluice-worker-"));
  }

  @Test
  void putAndMultipartPartsWriteOnTheRequestsVirtualThreadsWithZeroWorkers() throws Exception {
    ThreadRecordingStore store = new ThreadRecordingStore(FileBlobStore.open(dir.resolve("data")));
    try (SluiceServer server = start(store, 0)) {
      assertThat(put(server, "a.bin", 3 << 20).statusCode()).isEqualTo(201);
      assertThat(postMultipart(server, 600_000).statusCode()).isEqualTo(201);
    }
    assertThat(store.writers)
        .isNotEmpty()
        .allSatisfy(name -> assertThat(name).startsWith("virtual"));
  }

  @Test
  void healthAnswersWithinTwoSecondsEachWhileThreeLargeUploadsHash() throws Exception {
    byte[] block = new byte[1 << 20];
    new Random(42).nextBytes(block);
    int workers =
        Integer.getInteger("offloadit.workers", Runtime.getRuntime().availableProcessors());
    try (SluiceServer server = start(FileBlobStore.open(dir.resolve("data")), workers)) {
      // the same kind of upload, small, first: cold code paths (JIT) are not what is measured here
      assertThat(health(server).statusCode()).isEqualTo(200);
      assertThat(largePut(server, "warm-up", block, 16 << 20).get().statusCode()).isEqualTo(201);
      List<CompletableFuture<HttpResponse<String>>> uploads = new ArrayList<>();
      for (int i = 0; i < CONCURRENT_UPLOADS; i++) {
        uploads.add(largePut(server, "big-" + i, block, LARGE_UPLOAD));
      }
      CompletableFuture<Void> allDone =
          CompletableFuture.allOf(uploads.toArray(CompletableFuture[]::new));
      List<Duration> healthWhileUploading = new ArrayList<>();
      while (!allDone.isDone()) {
        long start = System.nanoTime();
        assertThat(health(server).statusCode()).isEqualTo(200);
        if (!allDone.isDone()) {
          healthWhileUploading.add(Duration.ofNanos(System.nanoTime() - start));
        }
        Thread.sleep(50);
      }
      for (CompletableFuture<HttpResponse<String>> upload : uploads) {
        assertThat(upload.get().statusCode()).as(upload.get().body()).isEqualTo(201);
      }
      assertThat(healthWhileUploading).hasSizeGreaterThanOrEqualTo(5);
      assertThat(healthWhileUploading).allSatisfy(d -> assertThat(d).isLessThan(HEALTH_BOUND));
    }
  }

  /** PUTs {@code size} bytes of {@code block} repeated, streamed, with their SHA-512 to verify. */
  private CompletableFuture<HttpResponse<String>> largePut(
      SluiceServer server, String key, byte[] block, int size) throws Exception {
    HttpRequest put =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/objects/" + key))
            .header("Content-Digest", "sha-512=:" + sha512OfRepeated(block, size) + ":")
            .PUT(
                HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new RepeatedBlock(block, size)),
                    size))
            .timeout(Duration.ofMinutes(3))
            .build();
    return client.sendAsync(put, HttpResponse.BodyHandlers.ofString());
  }

  private static SluiceServer start(BlobStore store, int workers) throws Exception {
    ServerConfig config =
        ServerConfig.builder()
            .port(0)
            .store("test")
            .grace(Duration.ofSeconds(2))
            .workers(workers)
            .build();
    return SluiceServer.start(config, store);
  }

  private HttpResponse<String> health(SluiceServer server) throws Exception {
    return healthClient.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> put(SluiceServer server, String key, int size) throws Exception {
    byte[] body = new byte[size];
    new Random(size).nextBytes(body);
    return client.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/objects/" + key))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> postMultipart(SluiceServer server, int partSize) throws Exception {
    byte[] part = new byte[partSize];
    new Random(partSize).nextBytes(part);
    String boundary = "offl0ad";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"part.bin\"\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    body.write(part);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return client.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/objects?prefix=mp/"))
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String sha512OfRepeated(byte[] block, long size) throws Exception {
    MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
    try (InputStream in = new RepeatedBlock(block, size)) {
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha512.update(buffer, 0, n);
      }
    }
    return Base64.getEncoder().encodeToString(sha512.digest());
  }

  /** {@code size} bytes made of {@code block} over and over: a large body held nowhere. */
  private static final class RepeatedBlock extends InputStream {
    private final byte[] block;
    private long left;
    private int at;

    RepeatedBlock(byte[] block, long size) {
      this.block = block;
      this.left = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(Math.min(len, block.length - at), left);
      System.arraycopy(block, at, into, off, n);
      at = (at + n) % block.length;
      left -= n;
      return n;
    }
  }

  /**
   * A store whose sinks note which kind of thread ({@code virtual} or {@code platform NAME})
   * writes.
   */
  private static final class ThreadRecordingStore implements BlobStore {
    private final BlobStore delegate;
    final Set<String> writers = ConcurrentHashMap.newKeySet();

    ThreadRecordingStore(BlobStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Sink create(String key, BlobSpec spec) throws IOException {
      return new ForwardingSink(delegate.create(key, spec)) {
        @Override
        public void write(ByteBuffer chunk) throws IOException {
          Thread t = Thread.currentThread();
          writers.add(t.isVirtual() ? "virtual" : "platform " + t.getName());
          super.write(chunk);
        }

        @Override
        protected String name() {
          return "thread-recording";
        }
      };
    }

    @Override
    public Optional<Blob> find(String key) throws IOException {
      return delegate.find(key);
    }

    @Override
    public java.util.stream.Stream<dev.sluice.core.blob.BlobEntry> list(String prefix, String after)
        throws IOException {
      return delegate.list(prefix, after);
    }

    @Override
    public boolean delete(String key, dev.sluice.core.blob.Precondition precondition)
        throws IOException {
      return delegate.delete(key, precondition);
    }

    @Override
    public String describe() {
      return delegate.describe();
    }
  }
}
