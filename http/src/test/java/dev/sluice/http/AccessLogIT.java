package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static dev.sluice.http.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.Socket;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * The access log (issue 16): one line per request once it is complete, with what an operator needs
 * to answer "who moved what, how fast, and did it finish", and never a credential.
 */
class AccessLogIT {

  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

  private TestServer start(LogFormat format, String token) throws Exception {
    return TestServer.start(b -> b.logFormat(format).token(token), s -> s.accessLog(lines::add));
  }

  /** A text line as its fields: {@code name=value} pairs separated by single spaces. */
  static Map<String, String> fields(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String pair : line.split(" ")) {
      int eq = pair.indexOf('=');
      assertThat(eq).as("a name=value pair: %s in %s", pair, line).isPositive();
      fields.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    return fields;
  }

  private List<Map<String, String>> textLinesFor(String url) {
    return lines.stream().map(AccessLogIT::fields).filter(f -> url.equals(f.get("url"))).toList();
  }

  @Test
  void eachRequestGetsOneTextLineWithMethodUrlStatusBytesDurationRateAndClient() throws Exception {
    try (TestServer server = start(LogFormat.TEXT, null)) {
      byte[] data = bytes(4 << 20, 1); // many chunks, still one line
      assertThat(server.put("logs/a.bin", data).statusCode()).isEqualTo(201);
      assertThat(server.get("/objects/logs/a.bin").body()).isEqualTo(data);
      assertThat(server.get("/objects/logs/missing.bin").statusCode()).isEqualTo(404);

      eventually(() -> assertThat(textLinesFor("/objects/logs/a.bin")).hasSize(2));
      List<Map<String, String>> both = textLinesFor("/objects/logs/a.bin");
      Map<String, String> put =
          both.stream().filter(f -> f.get("method").equals("PUT")).findFirst().orElseThrow();
      Map<String, String> get =
          both.stream().filter(f -> f.get("method").equals("GET")).findFirst().orElseThrow();
      assertThat(put.keySet())
          .containsExactly(
              "time", "client", "method", "url", "proto", "status", "in", "out", "ms", "mibps",
              "abort");
      assertThat(put)
          .containsEntry("status", "201")
          .containsEntry("in", String.valueOf(data.length))
          .containsEntry("proto", "HTTP/1.1")
          .containsEntry("abort", "-");
      assertThat(get)
          .containsEntry("status", "200")
          .containsEntry("in", "0")
          .containsEntry("out", String.valueOf(data.length))
          .containsEntry("abort", "-");
      assertThat(get.get("client")).startsWith("127.0.0.1:");
      assertThat(Instant.parse(get.get("time"))).isBeforeOrEqualTo(Instant.now());
      assertThat(Double.parseDouble(get.get("ms"))).isPositive();
      assertThat(Double.parseDouble(get.get("mibps"))).isPositive();
      eventually(
          () ->
              assertThat(textLinesFor("/objects/logs/missing.bin"))
                  .singleElement()
                  .satisfies(f -> assertThat(f).containsEntry("status", "404")));
    }
  }

  @Test
  void aSignedLinksSignatureAndATokenNeverReachTheLog() throws Exception {
    try (TestServer server = start(LogFormat.TEXT, "s3cret-token")) {
      server.put("logs/s.bin", bytes(100, 2), "Authorization", "Bearer s3cret-token");
      String signed =
          new UrlSigner("s3cret-token").signedPath("logs/s.bin", Instant.now().plusSeconds(600));
      String sig = signed.substring(signed.indexOf("sig=") + 4).split("&")[0];
      assertThat(server.get(signed).statusCode()).isEqualTo(200);

      eventually(
          () ->
              assertThat(lines)
                  .anySatisfy(l -> assertThat(l).contains("method=GET").contains("sig=***")));
      assertThat(String.join("\n", lines)).doesNotContain(sig).doesNotContain("s3cret-token");
    }
  }

  @Test
  void jsonLinesAreOneObjectEachWithTheSameFields() throws Exception {
    try (TestServer server = start(LogFormat.JSON, null)) {
      byte[] data = bytes(70_000, 3);
      server.put("logs/j%20son.bin", data);
      server.get("/objects/logs/j%20son.bin?rate=10MiB", "Range", "bytes=0-99");

      ObjectMapper json = new ObjectMapper();
      eventually(() -> assertThat(lines).hasSize(2));
      List<JsonNode> parsed = lines.stream().map(l -> read(json, l)).toList();
      JsonNode get =
          parsed.stream()
              .filter(n -> n.get("method").asText().equals("GET"))
              .findFirst()
              .orElseThrow();
      assertThat(get.get("url").asText()).isEqualTo("/objects/logs/j%20son.bin?rate=10MiB");
      assertThat(get.get("status").asInt()).isEqualTo(206);
      assertThat(get.get("bytes_out").asLong()).isEqualTo(100);
      assertThat(get.get("bytes_in").asLong()).isZero();
      assertThat(get.get("protocol").asText()).isEqualTo("HTTP/1.1");
      assertThat(get.get("client").asText()).startsWith("127.0.0.1:");
      assertThat(get.get("duration_ms").isNumber()).isTrue();
      assertThat(get.get("mib_per_s").isNumber()).isTrue();
      assertThat(get.get("abort").isNull()).isTrue();
      assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain("\n"));
    }
  }

  @Test
  void aDownloadTheClientAbandonsIsLoggedWithItsAbortReason() throws Exception {
    try (TestServer server = start(LogFormat.TEXT, null)) {
      server.put("logs/slow.bin", bytes(1 << 20, 4));
      try (Socket socket = server.socket()) {
        TestServer.write(
            socket.getOutputStream(),
            "GET /objects/logs/slow.bin?rate=16KiB HTTP/1.1\r\nHost: x\r\n\r\n");
        TestServer.readHead(socket.getInputStream());
      }
      eventually(
          () ->
              assertThat(textLinesFor("/objects/logs/slow.bin?rate=16KiB"))
                  .singleElement()
                  .satisfies(
                      f -> {
                        assertThat(f).containsEntry("abort", "CLIENT_DISCONNECT");
                        assertThat(Long.parseLong(f.get("out"))).isLessThan(1 << 20);
                      }));
    }
  }

  @Test
  void withTheAccessLogOffNoLineIsWritten() throws Exception {
    try (TestServer server =
        TestServer.start(b -> b.accessLog(false), s -> s.accessLog(lines::add))) {
      server.put("logs/off.bin", bytes(10, 5));
      server.get("/objects/logs/off.bin");
      assertThat(lines).isEmpty();
    }
  }

  @Test
  void livenessProbesAnsweredOnTheIoThreadAreNotLoggedButReadinessProbesAre() throws Exception {
    try (TestServer server = start(LogFormat.TEXT, null)) {
      assertThat(server.get("/health").statusCode()).isEqualTo(200);
      assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
      eventually(() -> assertThat(textLinesFor("/health/ready")).hasSize(1));
      assertThat(textLinesFor("/health")).isEmpty();
    }
  }

  private static JsonNode read(ObjectMapper json, String line) {
    try {
      return json.readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
