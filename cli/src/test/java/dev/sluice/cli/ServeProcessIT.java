package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code sluice serve} in a child JVM, as a user does, and stops it with SIGTERM: the start-up
 * line, draining with 503, in-flight downloads finishing within the grace period.
 */
class ServeProcessIT {

  private static final Path JAR = Path.of("target", "sluice.jar");
  private static final Pattern URL =
      Pattern.compile("serving on (http://\\S+) · store (\\S+) · auth (\\S+)");

  @TempDir Path dir;

  private final HttpClient client = HttpClient.newHttpClient();

  private Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-jar"));
    command.add(JAR.toAbsolutePath().toString());
    command.add("serve");
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
  }

  private static Matcher startupLine(Process process) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    Matcher m = line == null ? null : URL.matcher(line);
    assertThat(m != null && m.find()).as("start-up line: %s", line).isTrue();
    return m;
  }

  @Test
  void sigtermDrainsInFlightDownloadsAndRefusesNewRequests() throws Exception {
    Process server = start("--port", "0", "--grace", "20s");
    try {
      Matcher line = startupLine(server);
      String base = line.group(1);
      assertThat(line.group(2)).endsWith("sluice-data");
      assertThat(line.group(3)).isEqualTo("none");
      byte[] data = new byte[1 << 20];
      new java.util.Random(1).nextBytes(data);
      HttpResponse<String> put =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/objects/a.bin"))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(201);
      assertThat(Files.size(dir.resolve("sluice-data").resolve("a.bin"))).isEqualTo(1 << 20);

      CompletableFuture<HttpResponse<byte[]>> slow =
          client.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/objects/a.bin?rate=512KiB")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      Thread.sleep(500);
      server.destroy(); // SIGTERM
      Thread.sleep(300);
      HttpResponse<String> refused =
          HttpClient.newHttpClient() // a new connection: the old one carries the download
              .send(
                  HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(slow.get(20, TimeUnit.SECONDS).body()).isEqualTo(data);
      assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).isEqualTo(143);
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void sigtermCutsDownloadsStillRunningWhenTheGracePeriodEnds() throws Exception {
    Process server = start("--port", "0", "--grace", "1s");
    try {
      String base = startupLine(server).group(1);
      byte[] data = new byte[4 << 20];
      client.send(
          HttpRequest.newBuilder(URI.create(base + "/objects/big.bin"))
              .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      CompletableFuture<HttpResponse<byte[]>> slow =
          client.sendAsync(
              HttpRequest.newBuilder(URI.create(base + "/objects/big.bin?rate=64KiB"))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      Thread.sleep(500);
      long start = System.nanoTime();
      server.destroy();
      assertThat(server.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(10);
      assertThat(server.exitValue()).isEqualTo(143);
      assertThat(slow.handle((r, e) -> e != null || r.body().length < data.length).get()).isTrue();
    } finally {
      server.destroyForcibly();
    }
  }

  @Test
  void sigtermWithNothingInFlightExitsWithinOneSecond() throws Exception {
    Process server = start("--port", "0", "--grace", "30s");
    try {
      String base = startupLine(server).group(1);
      byte[] data = new byte[2 << 20];
      HttpClient keepAlive = HttpClient.newHttpClient(); // its connection stays open, idle
      keepAlive.send(
          HttpRequest.newBuilder(URI.create(base + "/objects/idle.bin"))
              .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      for (int i = 0; i < 3; i++) {
        assertThat(
                keepAlive
                    .send(
                        HttpRequest.newBuilder(URI.create(base + "/objects/idle.bin")).build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                    .body())
            .hasSize(data.length);
      }
      long start = System.nanoTime();
      server.destroy(); // SIGTERM
      assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(seconds).as("seconds from SIGTERM to exit").isLessThan(1.0);
      assertThat(server.exitValue()).isEqualTo(143);
    } finally {
      server.destroyForcibly();
    }
  }
}
