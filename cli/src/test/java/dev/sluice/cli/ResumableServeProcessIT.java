package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resumable upload survives {@code kill -9} of {@code sluice serve}: the offset is in the store,
 * so a new process over the same folder continues where the bytes are.
 */
class ResumableServeProcessIT {

  private static final Path JAR = Path.of("target", "sluice.jar");
  private static final Pattern URL = Pattern.compile("serving on (http://\\S+) ");
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  private final HttpClient client = HttpClient.newHttpClient();

  private Process start() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-jar"));
    command.add(JAR.toAbsolutePath().toString());
    command.addAll(List.of("serve", "--port", "0"));
    return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
  }

  private static String baseUrl(Process process) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    // the start-up line is on stdout; log lines on stderr, merged here, may come before it
    List<String> seen = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null && seen.size() < 20) {
      seen.add(line);
      Matcher m = URL.matcher(line);
      if (m.find()) {
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> {})); // keep the pipe drained
        return m.group(1);
      }
    }
    throw new AssertionError("no start-up line in " + seen);
  }

  private HttpResponse<String> send(String method, String url, byte[] body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .method(
                method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> patch(String url, long offset, byte[] body) throws Exception {
    return send(
        "PATCH",
        url,
        body,
        "Tus-Resumable",
        "1.0.0",
        "Upload-Offset",
        Long.toString(offset),
        "Content-Type",
        "application/offset+octet-stream");
  }

  private double bytesIn(String base) throws Exception {
    return send("GET", base + "/metrics", null)
        .body()
        .lines()
        .filter(l -> l.startsWith("sluice_received_bytes_total"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void anUploadCutByKillDashNineResumesOnTheRestartedServer() throws Exception {
    byte[] data = new byte[12 * MIB];
    new Random(14).nextBytes(data);
    Process first = start();
    String upload;
    try {
      String base = baseUrl(first);
      HttpResponse<String> created =
          send(
              "POST",
              base + "/objects/isos/big.iso",
              null,
              "Tus-Resumable",
              "1.0.0",
              "Upload-Length",
              Integer.toString(data.length));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      upload = created.headers().firstValue("Location").orElseThrow();
      assertThat(patch(base + upload, 0, Arrays.copyOfRange(data, 0, 3 * MIB)).statusCode())
          .isEqualTo(204);

      // a second append is streaming when the server is killed
      URI uri = URI.create(base);
      try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
        OutputStream out = socket.getOutputStream();
        out.write(
            ("PATCH "
                    + upload
                    + " HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: "
                    + 3 * MIB
                    + "\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: "
                    + 9 * MIB
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(data, 3 * MIB, 4 * MIB);
        out.flush();
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> bytesIn(base) >= 6 * MIB); // most of it reached the store
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful anything
        first.waitFor();
      }
    } finally {
      first.destroyForcibly();
    }

    Process second = start();
    try {
      String base = baseUrl(second);
      HttpResponse<String> head = send("HEAD", base + upload, null, "Tus-Resumable", "1.0.0");
      assertThat(head.statusCode()).isEqualTo(200);
      long offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
      assertThat(offset).isBetween(6L * MIB, 7L * MIB);
      HttpResponse<String> rest =
          patch(base + upload, offset, Arrays.copyOfRange(data, (int) offset, data.length));
      assertThat(rest.statusCode()).as(rest.body()).isEqualTo(204);
      assertThat(rest.headers().firstValue("Upload-Offset"))
          .contains(Integer.toString(data.length));

      HttpResponse<byte[]> object =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/objects/isos/big.iso")).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
      assertThat(object.headers().firstValue("ETag")).contains('"' + sha256 + '"');
      assertThat(object.body()).isEqualTo(data);
      try (Stream<Path> staged =
          Files.list(dir.resolve("sluice-data").resolve(".sluice-uploads"))) {
        assertThat(staged.filter(f -> f.toString().endsWith(".data"))).isEmpty();
      }
    } finally {
      second.destroy();
      second.waitFor();
    }
  }
}
