package dev.sluice.http;

import static org.awaitility.Awaitility.await;

import dev.sluice.core.blob.FileBlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** A real server on an ephemeral loopback port over a temporary folder, with a JDK client. */
final class TestServer implements AutoCloseable {

  final Path dir;
  final FileBlobStore store;
  final SluiceServer server;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(Path dir, FileBlobStore store, SluiceServer server) {
    this.dir = dir;
    this.store = store;
    this.server = server;
  }

  static TestServer start(UnaryOperator<ServerConfig.Builder> settings) throws Exception {
    return start(settings, UnaryOperator.identity());
  }

  /** A server with {@code settings}, built with {@code extras} (e.g. an access log sink). */
  static TestServer start(
      UnaryOperator<ServerConfig.Builder> settings, UnaryOperator<SluiceServer.Builder> extras)
      throws Exception {
    return startOver(settings, (builder, store) -> extras.apply(builder));
  }

  /** Makes the resumable uploads of a server over its file store. */
  interface UploadsOver {
    dev.sluice.core.upload.UploadStore make(FileBlobStore objects) throws java.io.IOException;
  }

  /** As {@link #start(UnaryOperator)}, with the resumable uploads {@code uploads} makes. */
  static TestServer startWithUploads(
      UnaryOperator<ServerConfig.Builder> settings, UploadsOver uploads) throws Exception {
    return startOver(settings, (builder, store) -> builder.uploads(uploads.make(store)));
  }

  /** As {@link #start(UnaryOperator)}, with resumable uploads expiring by {@code uploadClock}. */
  static TestServer start(UnaryOperator<ServerConfig.Builder> settings, java.time.Clock uploadClock)
      throws Exception {
    return startOver(settings, (builder, store) -> builder.uploadClock(uploadClock));
  }

  /** What a test adds to the server's builder, given the file store the server serves. */
  private interface Extras {
    SluiceServer.Builder add(SluiceServer.Builder builder, FileBlobStore store)
        throws java.io.IOException;
  }

  private static TestServer startOver(UnaryOperator<ServerConfig.Builder> settings, Extras extras)
      throws Exception {
    Path dir = Files.createTempDirectory("sluice-http-it");
    FileBlobStore store = FileBlobStore.open(dir.resolve("data"));
    ServerConfig config =
        settings
            .apply(
                ServerConfig.builder().port(0).store(dir.toString()).grace(Duration.ofSeconds(2)))
            .build();
    return new TestServer(
        dir, store, extras.add(SluiceServer.builder(config, store), store).start());
  }

  URI uri(String pathAndQuery) {
    return URI.create(server.baseUrl() + pathAndQuery);
  }

  HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
  }

  HttpResponse<byte[]> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<String> sendText(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /**
   * {@code method path} with {@code body} (null for none) and header names and values, in pairs.
   */
  HttpResponse<String> send(String method, String path, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        request(path)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return sendText(b.build());
  }

  /**
   * A tus 1.0 creation at {@code path} for {@code length} bytes, with {@code extra} headers;
   * asserts the 201 and returns the upload's URL.
   */
  String tusCreate(String path, long length, String... extra) throws Exception {
    String[] headers =
        Stream.concat(
                Stream.of("Tus-Resumable", "1.0.0", "Upload-Length", Long.toString(length)),
                Stream.of(extra))
            .toArray(String[]::new);
    HttpResponse<String> created = send("POST", path, null, headers);
    org.assertj.core.api.Assertions.assertThat(created.statusCode())
        .as(created.body())
        .isEqualTo(201);
    return created.headers().firstValue("Location").orElseThrow();
  }

  /** A tus 1.0 append of {@code body} at {@code offset}, with {@code extra} headers in pairs. */
  HttpResponse<String> tusPatch(String upload, long offset, byte[] body, String... extra)
      throws IOException, InterruptedException {
    String[] headers =
        Stream.concat(
                Stream.of(
                    "Tus-Resumable",
                    "1.0.0",
                    "Upload-Offset",
                    Long.toString(offset),
                    "Content-Type",
                    "application/offset+octet-stream"),
                Stream.of(extra))
            .toArray(String[]::new);
    return send("PATCH", upload, body, headers);
  }

  /** An IETF-draft append of {@code body} at {@code offset}, the last one when {@code complete}. */
  HttpResponse<String> ietfPatch(String upload, long offset, byte[] body, boolean complete)
      throws IOException, InterruptedException {
    return send(
        "PATCH",
        upload,
        body,
        "Upload-Offset",
        Long.toString(offset),
        "Upload-Complete",
        complete ? "?1" : "?0",
        "Content-Type",
        "application/partial-upload");
  }

  HttpResponse<String> put(String key, byte[] body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        request("/objects/" + key).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return sendText(b.build());
  }

  HttpResponse<byte[]> get(String pathAndQuery, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = request(pathAndQuery).GET();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b.build());
  }

  String metrics() throws IOException, InterruptedException {
    return sendText(request("/metrics").GET().build()).body();
  }

  /** The value of a Prometheus sample line starting with {@code prefix}, or 0. */
  double metric(String prefix) throws IOException, InterruptedException {
    return metrics()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  /** A raw socket, for what the JDK client will not do (disconnects, malformed requests). */
  Socket socket() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Reads the status line and headers of a raw response. */
  static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return head.toString();
  }

  static byte[] bytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  /**
   * {@code data} as a stream that hands out {@code step} bytes per {@code millis}: a slow client.
   */
  static InputStream paced(byte[] data, int step, long millis) {
    return new InputStream() {
      private int position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (position == data.length) {
          return -1;
        }
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          throw new java.io.InterruptedIOException();
        }
        int n = Math.min(Math.min(len, step), data.length - position);
        System.arraycopy(data, position, b, off, n);
        position += n;
        return n;
      }
    };
  }

  /** Waits until {@code condition} holds, for at most 10 s. */
  static void eventually(Check condition) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(condition::run);
  }

  interface Check {
    void run() throws Exception;
  }

  @Override
  public void close() throws IOException {
    server.close();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
