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

  /** The start-up line on stdout (log lines on stderr, merged here, may come before it). */
  private static Matcher startupLine(Process process) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null && seen.size() < 20) {
      seen.add(line);
      Matcher m = URL.matcher(line);
      if (m.find()) {
        return m;
      }
    }
    throw new AssertionError("no start-up line in " + seen);
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

  @Test
  void jsonLogsAndAnAccessLogFileRecordRequestsAndTheDrain() throws Exception {
    Path accessLog = dir.resolve("access.log");
    Path output = dir.resolve("output.log"); // stdout and stderr, read once the server is gone
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-jar"));
    command.add(JAR.toAbsolutePath().toString());
    command.addAll(
        List.of(
            "serve",
            "--port",
            "0",
            "--log-format",
            "json",
            "--access-log",
            accessLog.toString(),
            "--token",
            "s3cret"));
    Process server =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      String base =
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> {
                    Matcher m = URL.matcher(Files.readString(output));
                    return m.find() ? m.group(1) : null;
                  },
                  java.util.Objects::nonNull);
      HttpResponse<String> put =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/objects/j.bin"))
                  .header("Authorization", "Bearer s3cret")
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1000]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(201);
      String signed =
          new dev.sluice.http.UrlSigner("s3cret")
              .signedPath("j.bin", java.time.Instant.now().plusSeconds(60));
      assertThat(
              client
                  .send(
                      HttpRequest.newBuilder(URI.create(base + signed)).build(),
                      HttpResponse.BodyHandlers.ofByteArray())
                  .body())
          .hasSize(1000);
      server.destroy(); // SIGTERM
      assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();

      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      List<String> access = Files.readAllLines(accessLog);
      assertThat(access).hasSize(2);
      var get = json.readTree(access.get(1));
      assertThat(get.get("method").asText()).isEqualTo("GET");
      assertThat(get.get("status").asInt()).isEqualTo(200);
      assertThat(get.get("bytes_out").asLong()).isEqualTo(1000);
      assertThat(get.get("url").asText())
          .startsWith("/objects/j.bin?expires=")
          .endsWith("&sig=***");
      assertThat(String.join("\n", access))
          .doesNotContain(signed.substring(signed.indexOf("sig=") + 4));

      List<String> messages = new ArrayList<>();
      String printed = Files.readString(output);
      for (String line : printed.lines().toList()) {
        if (line.startsWith("{")) {
          var record = json.readTree(line);
          assertThat(record.get("level").asText()).isIn("INFO", "WARN", "ERROR");
          messages.add(record.get("message").asText());
        }
      }
      assertThat(messages)
          .anySatisfy(m -> assertThat(m).startsWith("listening on http://"))
          // the GET's transfer may still be closing when the client has its last byte: the count
          // is 0 or 1, and "drained" below says it finished
          .anySatisfy(m -> assertThat(m).matches("draining: [01] transfers in flight .*"))
          .anySatisfy(m -> assertThat(m).startsWith("drained"))
          .anySatisfy(m -> assertThat(m).isEqualTo("stopped"));
      assertThat(printed).doesNotContain("s3cret");
    } finally {
      server.destroyForcibly();
    }
  }
}
