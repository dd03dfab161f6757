package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.blob.FileBlobStore;
import dev.sluice.http.ServerConfig;
import dev.sluice.http.SluiceServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice sign} links work for keys with spaces and reserved characters (issue 12). */
class SignCommandTest {

  @TempDir Path dir;

  @Test
  void aLinkForAKeyWithSpacesAndReservedCharactersReadsThatObject() throws Exception {
    String key = "mp/a b;c#d%e?f.txt";
    byte[] data = "signed".getBytes(StandardCharsets.UTF_8);
    FileBlobStore store = FileBlobStore.open(Files.createDirectories(dir.resolve("data")));
    ServerConfig config =
        ServerConfig.builder().port(0).token("k").grace(Duration.ofSeconds(1)).build();
    try (SluiceServer server = SluiceServer.start(config, store)) {
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> put =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(server.baseUrl() + "/objects/mp/a%20b%3Bc%23d%25e%3Ff.txt"))
                  .header("Authorization", "Bearer k")
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

      StringWriter out = new StringWriter();
      CommandLine cli = Main.newCommandLine();
      cli.setOut(new PrintWriter(out));
      int status =
          cli.execute(
              "sign", key, "--expires", "10m", "--token", "k", "--base-url", server.baseUrl());
      assertThat(status).isZero();
      String link = out.toString().trim();
      assertThat(link).startsWith(server.baseUrl() + "/objects/mp/a%20b%3Bc%23d%25e%3Ff.txt?");

      HttpResponse<byte[]> got =
          client.send(
              HttpRequest.newBuilder(URI.create(link)).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(got.statusCode())
          .as(new String(got.body(), StandardCharsets.UTF_8))
          .isEqualTo(200);
      assertThat(got.body()).isEqualTo(data);
    }
  }
}
