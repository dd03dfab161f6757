package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static dev.sluice.http.TestServer.eventually;
import static dev.sluice.http.TestServer.paced;
import static dev.sluice.http.TestServer.readHead;
import static dev.sluice.http.TestServer.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UploadIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(b -> b.maxBodySize(1 << 20));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static String b64(String algorithm, byte[] data) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(data));
  }

  @Test
  void putStoresTheBodyAndReportsBytesAndSha256() throws Exception {
    byte[] data = bytes(300_000, 1);
    HttpResponse<String> put = server.put("up/a.bin", data, "Content-Type", "application/x-test");
    assertThat(put.statusCode()).isEqualTo(201);
    JsonNode report = JSON.readTree(put.body());
    assertThat(report.get("key").asText()).isEqualTo("up/a.bin");
    assertThat(report.get("bytes").asLong()).isEqualTo(300_000);
    assertThat(report.get("sha256").asText()).isEqualTo(sha256(data));
    assertThat(report.has("durationMs")).isTrue();
    assertThat(report.has("mibPerSecond")).isTrue();
    HttpResponse<byte[]> get = server.get("/objects/up/a.bin");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(data);
    assertThat(get.headers().firstValue("Content-Type")).hasValue("application/x-test");
  }

  @Test
  void chunkedUploadIsStreamedIntoTheStore() throws Exception {
    byte[] data = bytes(200_000, 2);
    HttpRequest request =
        server
            .request("/objects/up/chunked.bin")
            .PUT(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(data)))
            .build();
    HttpResponse<String> put = server.sendText(request);
    assertThat(put.statusCode()).isEqualTo(201);
    assertThat(server.get("/objects/up/chunked.bin").body()).isEqualTo(data);
  }

  @Test
  void matchingContentDigestSha256AndSha512AndMd5AreAccepted() throws Exception {
    byte[] data = bytes(70_000, 3);
    HttpResponse<String> put =
        server.put(
            "up/digest-ok.bin",
            data,
            "Content-Digest",
            "sha-256=:" + b64("SHA-256", data) + ":, sha-512=:" + b64("SHA-512", data) + ":",
            "Content-MD5",
            b64("MD5", data));
    assertThat(put.statusCode()).isEqualTo(201);
  }

  @Test
  void sha256MismatchIs400NamingExpectedAndActualAndStoresNothing() throws Exception {
    byte[] data = bytes(50_000, 4);
    byte[] other = bytes(10, 5);
    HttpResponse<String> put =
        server.put("up/bad256.bin", data, "Repr-Digest", "sha-256=:" + b64("SHA-256", other) + ":");
    assertThat(put.statusCode()).isEqualTo(400);
    String expected = sha256(other);
    assertThat(put.body())
        .contains("digest mismatch for 'up/bad256.bin': sha256 expected " + expected)
        .contains("but the body has " + sha256(data))
        .contains("nothing was stored");
    assertThat(server.get("/objects/up/bad256.bin").statusCode()).isEqualTo(404);
  }

  @Test
  void sha512AndMd5MismatchesAre400AndStoreNothing() throws Exception {
    byte[] data = bytes(50_000, 6);
    byte[] other = bytes(10, 7);
    HttpResponse<String> sha512 =
        server.put(
            "up/bad512.bin", data, "Content-Digest", "sha-512=:" + b64("SHA-512", other) + ":");
    assertThat(sha512.statusCode()).isEqualTo(400);
    assertThat(sha512.body()).contains("sha512 expected");
    HttpResponse<String> md5 = server.put("up/badmd5.bin", data, "Content-MD5", b64("MD5", other));
    assertThat(md5.statusCode()).isEqualTo(400);
    assertThat(md5.body()).contains("md5 expected");
    assertThat(server.get("/objects/up/bad512.bin").statusCode()).isEqualTo(404);
    assertThat(server.get("/objects/up/badmd5.bin").statusCode()).isEqualTo(404);
  }

  @Test
  void malformedDigestHeaderIs400NamingTheHeader() throws Exception {
    HttpResponse<String> put =
        server.put("up/x.bin", new byte[] {1}, "Content-Digest", "sha-256=abc");
    assertThat(put.statusCode()).isEqualTo(400);
    assertThat(put.body()).contains("Content-Digest sha-256 must be a byte sequence :BASE64:");
  }

  @Test
  void ifNoneMatchStarRefusesToOverwrite() throws Exception {
    assertThat(server.put("up/once.bin", new byte[] {1, 2}, "If-None-Match", "*").statusCode())
        .isEqualTo(201);
    HttpResponse<String> again = server.put("up/once.bin", new byte[] {3}, "If-None-Match", "*");
    assertThat(again.statusCode()).isEqualTo(412);
    assertThat(again.body()).contains("object 'up/once.bin' exists and If-None-Match: * was sent");
    assertThat(server.get("/objects/up/once.bin").body()).containsExactly(1, 2);
    assertThat(server.put("up/once.bin", new byte[] {4}).statusCode())
        .as("without If-None-Match a PUT replaces: 200, RFC 9110 §9.3.4")
        .isEqualTo(200);
  }

  @Test
  void declaredBodyOverTheLimitIs413WithoutReadingAndWithout100Continue() throws Exception {
    try (Socket socket = server.socket()) {
      OutputStream out = socket.getOutputStream();
      write(
          out,
          "PUT /objects/up/big.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n"
              + "Expect: 100-continue\r\n\r\n");
      String head = readHead(socket.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 413").doesNotContain("100 Continue");
    }
    assertThat(server.get("/objects/up/big.bin").statusCode()).isEqualTo(404);
  }

  @Test
  void expectContinueIsAnsweredForAnAcceptableUpload() throws Exception {
    try (Socket socket = server.socket()) {
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      write(
          out,
          "PUT /objects/up/continue.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
              + "Expect: 100-continue\r\n\r\n");
      assertThat(readHead(in)).startsWith("HTTP/1.1 100");
      write(out, "hello");
      assertThat(readHead(in)).startsWith("HTTP/1.1 201");
    }
    assertThat(server.get("/objects/up/continue.bin").body())
        .isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void chunkedBodyOverTheLimitIs413MidStreamAndStoresNothing() throws Exception {
    byte[] data = bytes((1 << 20) + 1, 8);
    HttpRequest request =
        server
            .request("/objects/up/too-big.bin")
            .PUT(
                HttpRequest.BodyPublishers.ofInputStream(
                    () -> new java.io.ByteArrayInputStream(data)))
            .build();
    HttpResponse<String> put = server.sendText(request);
    assertThat(put.statusCode()).isEqualTo(413);
    assertThat(put.body()).contains("body size exceeds the limit of 1.0 MiB (1048576)");
    assertThat(server.get("/objects/up/too-big.bin").statusCode()).isEqualTo(404);
  }

  @Test
  void clientDisconnectMidUploadStoresNothingAndIsCountedAndTheServerKeepsServing()
      throws Exception {
    double before =
        server.metric("sluice_aborts_total{direction=\"upload\",reason=\"CLIENT_DISCONNECT\"");
    try (Socket socket = server.socket()) {
      OutputStream out = socket.getOutputStream();
      write(out, "PUT /objects/up/cut.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 900000\r\n\r\n");
      out.write(bytes(300_000, 9));
      out.flush();
      Thread.sleep(200);
    }
    eventually(
        () ->
            assertThat(
                    server.metric(
                        "sluice_aborts_total{direction=\"upload\",reason=\"CLIENT_DISCONNECT\""))
                .isEqualTo(before + 1));
    assertThat(server.get("/objects/up/cut.bin").statusCode()).isEqualTo(404);
    try (var files = java.nio.file.Files.walk(server.store.root())) {
      assertThat(files.filter(p -> p.getFileName().toString().contains("cut"))).isEmpty();
    }
    assertThat(server.put("up/after-cut.bin", new byte[] {1}).statusCode()).isEqualTo(201);
  }

  @Test
  void aSlowDripUploadIsCutOffWith408NamingTheRateAndStoresNothing() throws Exception {
    double before = server.metric("sluice_aborts_total{direction=\"upload\",reason=\"TIMEOUT\"");
    // one byte a second for a minute, against the default floor of 1 KiB/s
    InputStream drip = paced(new byte[60], 1, 1000);
    long start = System.nanoTime();
    HttpResponse<String> put =
        server.sendText(
            server
                .request("/objects/up/drip.bin")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> drip))
                .build());
    double seconds = (System.nanoTime() - start) / 1e9;

    assertThat(put.statusCode()).isEqualTo(408);
    assertThat(put.body())
        .contains("request body of PUT /objects/up/drip.bin was cut off after")
        .contains("below the minimum data rate of 1024 bytes/s; nothing was stored");
    assertThat(seconds).isLessThan(10);
    eventually(
        () ->
            assertThat(server.metric("sluice_aborts_total{direction=\"upload\",reason=\"TIMEOUT\""))
                .isEqualTo(before + 1));
    assertThat(server.get("/objects/up/drip.bin").statusCode()).isEqualTo(404);
    assertThat(server.put("up/after-drip.bin", new byte[] {1}).statusCode()).isEqualTo(201);
  }

  @Test
  void invalidKeysAre400NamingTheRule() throws Exception {
    HttpResponse<String> dots = server.put("up/%2E%2E/x", new byte[] {1});
    assertThat(dots.statusCode()).isEqualTo(400);
    HttpResponse<String> backslash = server.put("up/a%5Cb", new byte[] {1});
    assertThat(backslash.statusCode()).isEqualTo(400);
    assertThat(backslash.body()).contains("Suspicious Path Character"); // refused by Jetty
    HttpResponse<String> tooLong = server.put("a".repeat(1025), new byte[] {1});
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(tooLong.body()).contains("longer than 1024 bytes of UTF-8 (1025)");
    HttpResponse<String> empty = server.put("up//b", new byte[] {1});
    assertThat(empty.statusCode()).isEqualTo(400);
  }

  @Test
  void keysJettyRefusesBeforeRoutingAre400WithAJsonReasonWhateverTheClientAccepts()
      throws Exception {
    // encoded dot segments, separators, backslashes and control characters never reach the key
    // rules: Jetty refuses them first (a plain ".." is resolved by Jetty before routing)
    Map<String, String> refused =
        Map.of(
            "up/%2e%2e/x", "Ambiguous URI path segment",
            "up/%2E%2E", "Ambiguous URI path segment",
            "up/%2e/x", "Ambiguous URI path segment",
            "up/a%2Fb", "Ambiguous URI path separator",
            "up/a%5Cb", "Suspicious Path Character",
            "up/a%0Ab", "Suspicious Path Character",
            "up/a%7Fb", "Suspicious Path Character",
            "up/a%C0%AFb", "Bad UTF-8 encoding",
            "up/a%00b", "could not be parsed");
    for (var entry : refused.entrySet()) {
      for (String method : new String[] {"PUT", "GET", "DELETE"}) {
        for (String accept : new String[] {null, "*/*", "text/html"}) {
          // no body: Jetty refuses the request line and closes the connection without reading a
          // body, and unread bytes in its socket make the kernel reset the connection, which can
          // discard the 400 before the client reads it
          HttpRequest.Builder request =
              server
                  .request("/objects/" + entry.getKey())
                  .method(method, HttpRequest.BodyPublishers.noBody());
          if (accept != null) {
            request.header("Accept", accept);
          }
          HttpResponse<String> response = server.sendText(request.build());
          String what = method + " " + entry.getKey() + " Accept: " + accept;
          assertThat(response.statusCode()).as(what).isEqualTo(400);
          assertThat(response.headers().firstValue("Content-Type"))
              .as(what)
              .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
          JsonNode body = JSON.readTree(response.body());
          assertThat(body.get("status").asInt()).as(what).isEqualTo(400);
          assertThat(body.get("error").asText()).as(what).contains(entry.getValue());
          if (entry.getValue().equals("could not be parsed")) {
            // Jetty closes the connection after this one: the client must not reuse it
            assertThat(response.headers().firstValue("Connection")).as(what).hasValue("close");
          }
        }
      }
    }
    assertThat(JSON.readTree(server.put("up/a%2Fb", new byte[0]).body()).get("error").asText())
        .isEqualTo("Ambiguous URI path separator in /objects/up/a%2Fb");
    try (var files = java.nio.file.Files.walk(server.store.root())) {
      assertThat(
              files.filter(java.nio.file.Files::isRegularFile).map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.equals("x") || name.equals("b") || name.matches("a.+b"));
    }
  }

  @Test
  void multipartPostStreamsEachFilePartIntoItsOwnObject() throws Exception {
    byte[] one = bytes(400_000, 10);
    byte[] two = bytes(1234, 11);
    String boundary = "b0undary";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"one.bin\"\r\nContent-Type: application/x-one\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    body.write(one);
    body.write(
        ("\r\n--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"g\"; filename=\"two.bin\"\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    body.write(two);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    HttpResponse<String> post =
        server.sendText(
            server
                .request("/objects?prefix=mp/")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build());
    assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
    JsonNode objects = JSON.readTree(post.body()).get("objects");
    assertThat(objects).hasSize(2);
    assertThat(objects.get(0).get("key").asText()).isEqualTo("mp/one.bin");
    assertThat(objects.get(0).get("sha256").asText()).isEqualTo(sha256(one));
    assertThat(objects.get(1).get("bytes").asLong()).isEqualTo(1234);
    HttpResponse<byte[]> got = server.get("/objects/mp/one.bin");
    assertThat(got.body()).isEqualTo(one);
    assertThat(got.headers().firstValue("Content-Type")).hasValue("application/x-one");
    assertThat(server.get("/objects/mp/two.bin").body()).isEqualTo(two);
  }

  @Test
  void aMultipartPartThatSlowsToADripIsCutOffWith408AndNotStored() throws Exception {
    String boundary = "drip-boundary";
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"drip.bin\"\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    InputStream body =
        new java.io.SequenceInputStream(
            new java.io.ByteArrayInputStream(head), paced(new byte[60], 1, 1000));
    HttpResponse<String> post =
        server.sendText(
            server
                .request("/objects?prefix=mpdrip/")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
                .build());
    assertThat(post.statusCode()).as(post.body()).isEqualTo(408);
    assertThat(JSON.readTree(post.body()).get("error").asText())
        .startsWith("the multipart body was cut off after")
        .contains("below the minimum data rate of 1024 bytes/s");
    assertThat(server.get("/objects/mpdrip/drip.bin").statusCode()).isEqualTo(404);
  }

  @Test
  void multipartWithoutBoundaryIs400() throws Exception {
    HttpResponse<String> post =
        server.sendText(
            server
                .request("/objects")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());
    assertThat(post.statusCode()).isEqualTo(400);
    assertThat(post.body()).contains("multipart/form-data");
  }
}
