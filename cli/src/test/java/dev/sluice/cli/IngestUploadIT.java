package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.blob.FileBlobStore;
import dev.sluice.core.testing.DroppingProxy;
import dev.sluice.http.ServerConfig;
import dev.sluice.http.SluiceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice ingest FILE http://…/objects/KEY}: the command line uploading to a real server (in
 * this JVM) as a resumable upload, through a proxy that drops the connection.
 */
class IngestUploadIT {

  private static final String TOKEN = "upload-s3cret";

  @TempDir Path dir;
  private SluiceServer server;
  private Path input;
  private byte[] bytes;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    Path store = Files.createDirectories(dir.resolve("store"));
    ServerConfig config =
        ServerConfig.builder()
            .port(0)
            .store(store.toString())
            .token(TOKEN)
            .grace(Duration.ofSeconds(2))
            .build();
    server = SluiceServer.builder(config, FileBlobStore.open(store.resolve("data"))).start();
    bytes = new byte[12 << 20];
    new Random(14).nextBytes(bytes);
    input = Files.write(dir.resolve("big.iso"), bytes);
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private int sluice(String... args) {
    CommandLine commandLine = Main.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private byte[] stored(String key) throws Exception {
    HttpResponse<byte[]> got =
        client.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/objects/" + key))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(got.statusCode()).as("GET " + key).isEqualTo(200);
    return got.body();
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void uploadsAFileThroughDropsWithEitherProtocol() throws Exception {
    for (String protocol : new String[] {"ietf", "tus"}) {
      try (DroppingProxy proxy = new DroppingProxy(server.port(), 3L << 20, 8L << 20)) {
        String key = "isos/" + protocol + ".iso";
        int status =
            sluice(
                "ingest",
                input.toString(),
                "http://127.0.0.1:" + proxy.port() + "/objects/" + key,
                "--protocol",
                protocol,
                "--retries",
                "4",
                "--token",
                TOKEN,
                "--sha256");

        assertThat(status).as(err.toString()).isZero();
        assertThat(proxy.drops()).isEqualTo(2);
        assertThat(out.toString()).contains(sha256(bytes));
        assertThat(sha256(stored(key))).isEqualTo(sha256(bytes));
      }
    }
  }

  @Test
  void aWrongTokenFailsWithTheServersReason() {
    int status =
        sluice(
            "ingest",
            input.toString(),
            server.baseUrl() + "/objects/isos/denied.iso",
            "--token",
            "not-the-token-x9");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .contains("HTTP 401: the bearer token is wrong")
        .doesNotContain("not-the-token-x9");
  }

  @Test
  void resumeContinuesAnUploadTheServerAlreadyHoldsPartOf() throws Exception {
    Path state = dir.resolve(".big.iso.sluice-upload");
    try (DroppingProxy proxy = new DroppingProxy(server.port(), 5L << 20)) {
      String url = "http://127.0.0.1:" + proxy.port() + "/objects/isos/resumed.iso";
      // the first run loses its connection at 5 MiB and may not retry: it fails, keeping the state
      int failed =
          sluice("ingest", input.toString(), url, "--token", TOKEN, "--retries", "0", "--resume");
      assertThat(failed).isEqualTo(1);
      assertThat(err.toString()).contains("failed after 0 retries");
      assertThat(state).exists();
      String upload =
          Files.readAllLines(state).stream()
              .filter(l -> l.startsWith("upload="))
              .findFirst()
              .orElseThrow()
              .substring("upload=".length())
              .replace("\\:", ":");

      // the second run (the proxy drops no more) continues that upload and completes it
      int status = sluice("ingest", input.toString(), url, "--token", TOKEN, "--resume");

      assertThat(status).as(err.toString()).isZero();
      assertThat(state).doesNotExist();
      assertThat(sha256(stored("isos/resumed.iso"))).isEqualTo(sha256(bytes));
      HttpResponse<Void> head =
          client.send(
              HttpRequest.newBuilder(URI.create(upload))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .header("Authorization", "Bearer " + TOKEN)
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(head.headers().firstValue("Upload-Complete"))
          .as("the saved upload")
          .contains("?1");
    }
  }
}
