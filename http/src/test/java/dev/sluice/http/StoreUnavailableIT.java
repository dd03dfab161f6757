package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobEntry;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.blob.FileBlobStore;
import dev.sluice.core.blob.Precondition;
import dev.sluice.core.blob.StoreUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A store that cannot take an operation now (a database whose connections are all busy) gets its
 * requests a 503 with {@code Retry-After}, whichever operation ran into it, and the detail stays in
 * the server's log.
 */
class StoreUnavailableIT {

  private static final String DETAIL = "no connection to jdbc:postgresql://db.internal:5432/blobs";

  private Path dir;
  private Busy store;
  private SluiceServer server;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    dir = Files.createTempDirectory("sluice-busy");
    store = new Busy(FileBlobStore.open(dir));
    server =
        SluiceServer.start(ServerConfig.builder().port(0).store(dir.toString()).build(), store);
    assertThat(send("PUT", "/objects/b/k", new byte[] {1, 2, 3}).statusCode()).isEqualTo(201);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void everyOperationThatMeetsABusyStoreAnswers503WithRetryAfter() throws Exception {
    store.busy = Busy.Where.OPERATIONS;
    for (String[] request :
        new String[][] {
          {"GET", "/objects/b/k"},
          {"HEAD", "/objects/b/k"},
          {"PUT", "/objects/b/new"},
          {"DELETE", "/objects/b/k"},
          {"GET", "/objects?prefix=b/"},
        }) {
      HttpResponse<String> response = send(request[0], request[1], new byte[] {4, 5});
      assertThat(response.statusCode()).as("%s %s", request[0], request[1]).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(response.body()).doesNotContain("db.internal").doesNotContain("Exception");
    }
  }

  @Test
  void aBlobFoundButNotOpenedAnswers503BeforeItsHead() throws Exception {
    store.busy = Busy.Where.OPENING;
    HttpResponse<String> response = send("GET", "/objects/b/k", null);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(response.body()).contains("retry").doesNotContain("db.internal");

    store.busy = Busy.Where.NOWHERE;
    assertThat(send("GET", "/objects/b/k", null).body()).isEqualTo("\u0001\u0002\u0003");
  }

  private HttpResponse<String> send(String method, String path, byte[] body) throws Exception {
    HttpRequest.BodyPublisher publisher =
        body == null || method.equals("GET") || method.equals("HEAD") || method.equals("DELETE")
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body);
    return client.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .method(method, publisher)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static StoreUnavailableException unavailable() {
    return new StoreUnavailableException(
        "the store's database gave no connection within 10 s", new IOException(DETAIL));
  }

  /** A file store that, when told, fails as a store whose connections are all busy. */
  private static final class Busy implements BlobStore {
    enum Where {
      NOWHERE,
      OPERATIONS,
      OPENING
    }

    private final BlobStore files;
    volatile Where busy = Where.NOWHERE;

    Busy(BlobStore files) {
      this.files = files;
    }

    private void check() throws StoreUnavailableException {
      if (busy == Where.OPERATIONS) {
        throw unavailable();
      }
    }

    @Override
    public Sink create(String key, BlobSpec spec) throws IOException {
      check();
      return files.create(key, spec);
    }

    @Override
    public Optional<Blob> find(String key) throws IOException {
      check();
      return files.find(key).map(found -> busy == Where.OPENING ? new Unopenable(found) : found);
    }

    @Override
    public Stream<BlobEntry> list(String prefix, String after) throws IOException {
      check();
      return files.list(prefix, after);
    }

    @Override
    public boolean delete(String key, Precondition precondition) throws IOException {
      check();
      return files.delete(key, precondition);
    }

    @Override
    public String describe() {
      return "busy(" + files.describe() + ")";
    }
  }

  /** A found blob whose content cannot be opened now. */
  private record Unopenable(Blob found) implements Blob {
    @Override
    public long size() {
      return found.size();
    }

    @Override
    public String etag() {
      return found.etag();
    }

    @Override
    public Instant lastModified() {
      return found.lastModified();
    }

    @Override
    public String contentType() {
      return found.contentType();
    }

    @Override
    public Optional<String> sha256() {
      return found.sha256();
    }

    @Override
    public ReadableByteChannel open(long offset, long length) throws IOException {
      throw unavailable();
    }
  }
}
