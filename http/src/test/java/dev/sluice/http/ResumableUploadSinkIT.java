package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Sources;
import dev.sluice.core.endpoint.EndpointProvider;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.job.IngestionJob;
import dev.sluice.core.testing.CancellingListener;
import dev.sluice.core.testing.DroppingProxy;
import dev.sluice.core.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resuming upload client ({@link ResumableUploadSink}, through {@code http(s)://} locations as
 * destinations) against the project's own server, through a proxy that drops the connection.
 */
class ResumableUploadSinkIT {

  private static final int SIZE = 64 << 20;
  private static TestServer server;
  private static Path file;
  private static String fileSha256;

  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(b -> b.maxBodySize(1L << 30));
    file = dir.resolve("big.bin");
    Files.write(file, TestData.random(SIZE, 14));
    fileSha256 = sha256(Files.newInputStream(file));
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  private static Map<String, String> fileOptions(String protocol) throws IOException {
    Map<String, String> options = new HashMap<>();
    options.put(HttpEndpointProvider.PROTOCOL, protocol);
    options.put(EndpointProvider.SOURCE_FILE, file.toString());
    options.put(EndpointProvider.EXPECTED_SIZE, Long.toString(Files.size(file)));
    return options;
  }

  private static String url(int port, String key) {
    return "http://127.0.0.1:" + port + "/objects/" + key;
  }

  private static Receipt upload(String location, Map<String, String> options) throws Exception {
    Sink sink = new HttpEndpointProvider().openSink(location, options);
    return Ingestion.from(Sources.file(file)).to(sink).run().receipt();
  }

  private static String stored(String key) throws Exception {
    HttpResponse<InputStream> got =
        server.client.send(
            server.request("/objects/" + key).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(got.statusCode()).isEqualTo(200);
    return sha256(got.body());
  }

  private static String sha256(InputStream in) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream digesting = new DigestInputStream(in, digest)) {
      digesting.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  @Test
  void ietfUploadResumesAfterTwoDrops() throws Exception {
    try (DroppingProxy proxy = new DroppingProxy(server.server.port(), 20L << 20, 45L << 20)) {
      Receipt receipt = upload(url(proxy.port(), "isos/ietf.bin"), fileOptions("ietf"));

      assertThat(proxy.drops()).isEqualTo(2);
      assertThat(receipt.details()).containsEntry("resumptions", "2");
      assertThat(receipt.details()).containsEntry("sha256", fileSha256);
    }
    assertThat(stored("isos/ietf.bin")).isEqualTo(fileSha256);
  }

  @Test
  void tusUploadResumesAfterTwoDrops() throws Exception {
    try (DroppingProxy proxy = new DroppingProxy(server.server.port(), 10L << 20, 50L << 20)) {
      Receipt receipt = upload(url(proxy.port(), "isos/tus.bin"), fileOptions("tus"));

      assertThat(proxy.drops()).isEqualTo(2);
      assertThat(receipt.details()).containsEntry("resumptions", "2");
    }
    assertThat(stored("isos/tus.bin")).isEqualTo(fileSha256);
  }

  @Test
  void tusUploadOfUnknownLengthDeclaresItAtTheEnd() throws Exception {
    byte[] content = TestData.random(3 << 20, 7);
    Sink sink =
        ResumableUploadSink.builder(server.uri("/objects/tus/unknown.bin"))
            .protocol(ResumableUploadSink.Protocol.TUS)
            .build();
    Ingestion.from(Sources.from(new ByteArrayInputStream(content))).to(sink).run();

    assertThat(stored("tus/unknown.bin")).isEqualTo(TestData.sha256Hex(content));
  }

  @Test
  void aCancelledUploadContinuesWithResume() throws Exception {
    Map<String, String> options = fileOptions("ietf");
    options.put(HttpEndpointProvider.RESUME, "true");
    String location = server.uri("/objects/isos/resumed.bin").toString();
    Path state = dir.resolve(".big.bin.sluice-upload");

    Sink first = new HttpEndpointProvider().openSink(location, options);
    IngestionJob job =
        Ingestion.from(Sources.file(file))
            .to(first)
            .chunkSize(256 << 10)
            .listener(CancellingListener.atChunk(100))
            .start();
    assertThatThrownBy(job::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IngestionException.class);
    assertThat(state).exists();
    assertThat(server.get("/objects/isos/resumed.bin").statusCode()).isEqualTo(404);

    ResumableUploadSink second =
        (ResumableUploadSink) new HttpEndpointProvider().openSink(location, options);
    assertThat(second.skipped()).isGreaterThan(0).isLessThan(SIZE);
    Receipt receipt = Ingestion.from(Sources.file(file)).to(second).run().receipt();

    assertThat(receipt.details()).containsEntry("sha256", fileSha256);
    assertThat(stored("isos/resumed.bin")).isEqualTo(fileSha256);
    assertThat(state).doesNotExist();
  }

  @Test
  void aDropWithoutAWayToReadAgainFailsSayingSo() throws Exception {
    try (DroppingProxy proxy = new DroppingProxy(server.server.port(), 8L << 20)) {
      Sink sink =
          ResumableUploadSink.builder(URI.create(url(proxy.port(), "stdin/dropped.bin")))
              .backoff(Duration.ofMillis(10))
              .build();
      assertThatThrownBy(
              () -> Ingestion.from(Sources.from(Files.newInputStream(file))).to(sink).run())
          .hasMessageContaining("the source cannot be read again");
    }
    assertThat(server.get("/objects/stdin/dropped.bin").statusCode()).isEqualTo(404);
  }

  @Test
  void theServerRefusesBytesThatAreNotTheDigestAnnounced() throws Exception {
    Map<String, String> options = fileOptions("ietf");
    options.put(EndpointProvider.EXPECTED_SHA256, "00".repeat(32));
    assertThatThrownBy(() -> upload(server.uri("/objects/isos/bad.bin").toString(), options))
        .hasMessageContaining("digest mismatch");
    assertThat(server.get("/objects/isos/bad.bin").statusCode()).isEqualTo(404);
  }
}
