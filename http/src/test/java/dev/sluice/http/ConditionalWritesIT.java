package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ForwardingSink;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.blob.FileBlobStore;
import dev.sluice.core.blob.Precondition;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 over HTTP, file store: conditional PUT and DELETE answer 412 (RFC 9110 §13), the gzip
 * representation's ETag gives 304, a full disk answers 507, an aborted upload frees its folder's
 * key, and GETs racing PUTs and DELETEs get a whole version or 404.
 */
class ConditionalWritesIT {

  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(b -> b);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private String etagOf(String key) throws Exception {
    return server.get("/objects/" + key).headers().firstValue("ETag").orElseThrow();
  }

  private HttpResponse<String> delete(String key, String... headers) throws Exception {
    HttpRequest.Builder b = server.request("/objects/" + key).DELETE();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return server.sendText(b.build());
  }

  @Test
  void aPutWhosePreconditionFailsAnswers412AndKeepsTheObject() throws Exception {
    byte[] first = "first".getBytes(StandardCharsets.UTF_8);
    assertThat(server.put("c/k", first).statusCode()).isEqualTo(201);
    String etag = etagOf("c/k");
    byte[] other = "other".getBytes(StandardCharsets.UTF_8);

    assertThat(server.put("c/k", other, "If-Match", "\"nope\"").statusCode()).isEqualTo(412);
    assertThat(server.put("c/k", other, "If-None-Match", etag).statusCode()).isEqualTo(412);
    assertThat(
            server
                .put("c/k", other, "If-Unmodified-Since", "Mon, 01 Jan 1990 00:00:00 GMT")
                .statusCode())
        .isEqualTo(412);
    assertThat(server.put("c/missing", other, "If-Match", "*").statusCode()).isEqualTo(412);
    assertThat(server.get("/objects/c/missing").statusCode()).isEqualTo(404);
    assertThat(server.get("/objects/c/k").body()).isEqualTo(first);

    assertThat(server.put("c/k", other, "If-Match", etag).statusCode()).isBetween(200, 204);
    assertThat(server.get("/objects/c/k").body()).isEqualTo(other);
  }

  /**
   * A refusal sent before the body is read must reach the client: the server reads and drops the
   * body after answering instead of closing on it (a close with body bytes still arriving resets
   * the connection, and the reset can discard the 412 before the client reads it).
   */
  @Test
  void aLargeBodyRefusedBeforeItIsReadStillGetsItsAnswer() throws Exception {
    assertThat(server.put("c/big", new byte[] {1}).statusCode()).isEqualTo(201);
    byte[] body = TestServer.bytes(4 << 20, 5);
    for (int i = 0; i < 20; i++) {
      assertThat(server.put("c/big", body, "If-None-Match", "*").statusCode())
          .as("try %d", i)
          .isEqualTo(412);
    }
  }

  @Test
  void aDeleteWhosePreconditionFailsAnswers412AndKeepsTheObject() throws Exception {
    server.put("d/k", "x".getBytes(StandardCharsets.UTF_8));
    assertThat(delete("d/k", "If-Match", "\"nope\"").statusCode()).isEqualTo(412);
    assertThat(server.get("/objects/d/k").statusCode()).isEqualTo(200);
    assertThat(delete("d/k", "If-Match", etagOf("d/k")).statusCode()).isEqualTo(204);
    assertThat(server.get("/objects/d/k").statusCode()).isEqualTo(404);
  }

  @Test
  void theGzipRepresentationsTagGivesNotModified() throws Exception {
    server.put("z", "compressible ".repeat(100).getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> gzipped = server.get("/objects/z", "Accept-Encoding", "gzip");
    String tag = gzipped.headers().firstValue("ETag").orElseThrow();
    assertThat(tag).endsWith("-gzip\"");

    HttpResponse<byte[]> again =
        server.get("/objects/z", "Accept-Encoding", "gzip", "If-None-Match", tag);

    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.headers().firstValue("ETag")).contains(tag);
  }

  @Test
  void aFailedUploadOrADeleteLeavesNoFolderBlockingItsKey() throws Exception {
    assertThat(
            server
                .put("p/q", "abc".getBytes(), "Content-MD5", "AAAAAAAAAAAAAAAAAAAAAA==")
                .statusCode())
        .isEqualTo(400);
    assertThat(server.put("p", "now".getBytes()).statusCode()).isEqualTo(201);

    server.put("e/f", "x".getBytes());
    assertThat(delete("e/f").statusCode()).isEqualTo(204);
    assertThat(server.put("e", "y".getBytes()).statusCode()).isEqualTo(201);
  }

  @Test
  void aFullDiskAnswers507NamingTheKey() throws Exception {
    Path dir = Files.createTempDirectory("sluice-full");
    BlobStore full = new FullDisk(FileBlobStore.open(dir));
    try (SluiceServer disk =
        SluiceServer.start(ServerConfig.builder().port(0).store(dir.toString()).build(), full)) {
      HttpResponse<String> response =
          server.client.send(
              HttpRequest.newBuilder(java.net.URI.create(disk.baseUrl() + "/objects/big/file"))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[100_000]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(507);
      assertThat(response.body()).contains("big/file").doesNotContain(dir.toString());
    }
  }

  /** GETs racing PUTs and DELETEs: each answer is a whole version (by SHA-256) or a 404. */
  @Test
  void getsRacingPutsAndDeletesSeeAWholeVersionOrNotFound() throws Exception {
    List<byte[]> versions = new ArrayList<>();
    Set<String> hashes = ConcurrentHashMap.newKeySet();
    for (int v = 0; v < 3; v++) {
      versions.add(TestServer.bytes(300_000 + v * 1000, v));
      hashes.add(sha256(versions.get(v)));
    }
    server.put("race/obj", versions.get(0));
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger whole = new AtomicInteger();
    ConcurrentLinkedQueue<String> bad = new ConcurrentLinkedQueue<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> writer =
          pool.submit(
              () -> {
                for (int i = 0; i < 60; i++) {
                  if (i % 6 == 5) {
                    delete("race/obj");
                  } else {
                    server.put("race/obj", versions.get(i % 3));
                  }
                }
                return null;
              });
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        readers.add(
            pool.submit(
                () -> {
                  while (writing.get()) {
                    HttpResponse<byte[]> got = server.get("/objects/race/obj");
                    if (got.statusCode() == 200 && hashes.contains(sha256(got.body()))) {
                      whole.incrementAndGet();
                    } else if (got.statusCode() != 404) {
                      bad.add(got.statusCode() + " with " + got.body().length + " bytes");
                    }
                  }
                  return null;
                }));
      }
      try {
        writer.get();
      } finally {
        writing.set(false);
      }
      for (Future<?> reader : readers) {
        reader.get();
      }
    }
    assertThat(bad).as("answers that were neither a whole version nor 404").isEmpty();
    assertThat(whole.get()).isPositive();
  }

  /** Writers that read, then PUT with If-Match: the final counter equals the 2xx answers. */
  @Test
  void concurrentIfMatchWritersLoseNoUpdate() throws Exception {
    server.put("race/counter", "0".getBytes(StandardCharsets.US_ASCII));
    AtomicInteger successes = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        writers.add(
            pool.submit(
                () -> {
                  int done = 0;
                  while (done < 8) {
                    HttpResponse<byte[]> got = server.get("/objects/race/counter");
                    long n = Long.parseLong(new String(got.body(), StandardCharsets.US_ASCII));
                    String etag = got.headers().firstValue("ETag").orElseThrow();
                    int status =
                        server
                            .put(
                                "race/counter",
                                Long.toString(n + 1).getBytes(StandardCharsets.US_ASCII),
                                "If-Match",
                                etag)
                            .statusCode();
                    if (status / 100 == 2) {
                      successes.incrementAndGet();
                      done++;
                    } else {
                      assertThat(status).isEqualTo(412);
                      refused.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> writer : writers) {
        writer.get();
      }
    }
    String last = new String(server.get("/objects/race/counter").body(), StandardCharsets.US_ASCII);
    assertThat(Long.parseLong(last))
        .as("after %d successes and %d refusals", successes.get(), refused.get())
        .isEqualTo(successes.get());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** A store whose sinks fail as a full disk does, after the first write. */
  private static final class FullDisk implements BlobStore {
    private final BlobStore delegate;

    FullDisk(BlobStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Sink create(String key, BlobSpec spec) throws IOException {
      return new ForwardingSink(delegate.create(key, spec)) {
        @Override
        public void write(ByteBuffer chunk) throws IOException {
          throw new IOException("No space left on device");
        }

        @Override
        protected String name() {
          return "full-disk";
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
    public boolean delete(String key, Precondition precondition) throws IOException {
      return delegate.delete(key, precondition);
    }

    @Override
    public String describe() {
      return "full-disk";
    }
  }
}
