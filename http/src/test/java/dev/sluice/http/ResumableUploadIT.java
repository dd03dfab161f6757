package dev.sluice.http;

import static dev.sluice.http.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.upload.FileUploadStore;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadAppend;
import dev.sluice.core.upload.UploadStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * tus 1.0 and the IETF resumable-upload draft against a real server, each protocol edge case with
 * the status code its spec names.
 */
class ResumableUploadIT {

  TestServer server;

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(b -> b.maxBodySize(1 << 20));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private HttpResponse<String> send(String method, String path, byte[] body, String... headers)
      throws Exception {
    return server.send(method, path, body, headers);
  }

  private String tusCreate(String key, long length) throws Exception {
    return server.tusCreate(
        "/objects/" + key,
        length,
        "Upload-Metadata",
        "filename " + b64("a.bin") + ",filetype " + b64("application/x-test"));
  }

  private HttpResponse<String> tusPatch(String upload, long offset, byte[] body, String... extra)
      throws Exception {
    return server.tusPatch(upload, offset, body, extra);
  }

  @Test
  void optionsAdvertisesTusAndTheDraft() throws Exception {
    HttpResponse<String> options = send("OPTIONS", "/objects/any", null);
    assertThat(options.statusCode()).isEqualTo(204);
    assertThat(options.headers().firstValue("Tus-Version")).contains("1.0.0");
    assertThat(options.headers().firstValue("Tus-Extension"))
        .contains(
            "creation,creation-with-upload,creation-defer-length,termination,checksum,expiration");
    assertThat(options.headers().firstValue("Tus-Max-Size")).contains(Integer.toString(1 << 20));
    assertThat(options.headers().firstValue("Tus-Checksum-Algorithm")).contains("sha1,sha256,md5");
    assertThat(options.headers().firstValue("Accept-Patch").orElseThrow())
        .contains("application/partial-upload");
    assertThat(options.headers().firstValue("Upload-Limit").orElseThrow())
        .startsWith("max-size=" + (1 << 20) + ", max-age=");
  }

  @Test
  void tusUploadInChunksWithAWrongOffsetAWrongTypeAndABadChecksum() throws Exception {
    byte[] data = TestServer.bytes(300_000, 1);
    String upload = tusCreate("tus/a.bin", data.length);
    assertThat(upload).matches("/uploads/[0-9a-f]{32}");

    HttpResponse<String> head = send("HEAD", upload, null, "Tus-Resumable", "1.0.0");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Upload-Offset")).contains("0");
    assertThat(head.headers().firstValue("Upload-Length")).contains("300000");
    assertThat(head.headers().firstValue("Upload-Expires")).isPresent();
    assertThat(head.headers().firstValue("Cache-Control")).contains("no-store");

    HttpResponse<String> first = tusPatch(upload, 0, Arrays.copyOfRange(data, 0, 100_000));
    assertThat(first.statusCode()).isEqualTo(204);
    assertThat(first.headers().firstValue("Upload-Offset")).contains("100000");
    assertThat(first.headers().firstValue("Tus-Resumable")).contains("1.0.0");

    HttpResponse<String> wrongOffset = tusPatch(upload, 50, new byte[10]);
    assertThat(wrongOffset.statusCode()).isEqualTo(409);
    assertThat(wrongOffset.headers().firstValue("Upload-Offset")).contains("100000");

    HttpResponse<String> wrongType =
        send(
            "PATCH",
            upload,
            new byte[10],
            "Tus-Resumable",
            "1.0.0",
            "Upload-Offset",
            "100000",
            "Content-Type",
            "application/octet-stream");
    assertThat(wrongType.statusCode()).isEqualTo(415);
    assertThat(wrongType.body()).contains("application/offset+octet-stream");

    byte[] second = Arrays.copyOfRange(data, 100_000, 200_000);
    HttpResponse<String> badChecksum =
        tusPatch(
            upload, 100_000, second, "Upload-Checksum", "sha1 " + digest("SHA-1", new byte[1]));
    assertThat(badChecksum.statusCode()).isEqualTo(460);
    assertThat(badChecksum.body()).contains("checksum mismatch");
    assertThat(
            send("HEAD", upload, null, "Tus-Resumable", "1.0.0")
                .headers()
                .firstValue("Upload-Offset"))
        .as("the chunk was discarded")
        .contains("100000");

    HttpResponse<String> unsupported =
        tusPatch(upload, 100_000, second, "Upload-Checksum", "crc32 AAAA");
    assertThat(unsupported.statusCode()).isEqualTo(400);

    assertThat(
            tusPatch(upload, 100_000, second, "Upload-Checksum", "sha1 " + digest("SHA-1", second))
                .statusCode())
        .isEqualTo(204);
    byte[] third = Arrays.copyOfRange(data, 200_000, data.length);
    HttpResponse<String> last =
        tusPatch(upload, 200_000, third, "Upload-Checksum", "sha256 " + digest("SHA-256", third));
    assertThat(last.statusCode()).isEqualTo(204);
    assertThat(last.headers().firstValue("Upload-Offset")).contains("300000");

    HttpResponse<byte[]> object = server.get("/objects/tus/a.bin");
    assertThat(object.statusCode()).isEqualTo(200);
    assertThat(object.body()).isEqualTo(data);
    assertThat(object.headers().firstValue("Content-Type")).contains("application/x-test");
    assertThat(object.headers().firstValue("ETag")).contains('"' + sha256Hex(data) + '"');
    HttpResponse<String> done = send("HEAD", upload, null, "Tus-Resumable", "1.0.0");
    assertThat(done.headers().firstValue("Upload-Offset")).contains("300000");
    assertThat(stagedFiles()).isZero();
  }

  @Test
  void tusCreationWithUploadAndDeferredLength() throws Exception {
    byte[] data = TestServer.bytes(5000, 2);
    HttpResponse<String> created =
        send(
            "POST",
            "/objects/tus/deferred.bin",
            Arrays.copyOfRange(data, 0, 3000),
            "Tus-Resumable",
            "1.0.0",
            "Upload-Defer-Length",
            "1",
            "Content-Type",
            "application/offset+octet-stream");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().firstValue("Upload-Offset")).contains("3000");
    String upload = created.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> head = send("HEAD", upload, null, "Tus-Resumable", "1.0.0");
    assertThat(head.headers().firstValue("Upload-Defer-Length")).contains("1");
    assertThat(head.headers().firstValue("Upload-Length")).isEmpty();

    HttpResponse<String> tooShort = tusPatch(upload, 3000, new byte[0], "Upload-Length", "2000");
    assertThat(tooShort.statusCode()).isEqualTo(400);

    HttpResponse<String> rest =
        tusPatch(upload, 3000, Arrays.copyOfRange(data, 3000, 5000), "Upload-Length", "5000");
    assertThat(rest.statusCode()).isEqualTo(204);
    assertThat(server.get("/objects/tus/deferred.bin").body()).isEqualTo(data);
  }

  @Test
  void tusLengthsBeyondTheLimitsAre413AndUnknownUploads404() throws Exception {
    HttpResponse<String> tooLong =
        send(
            "POST",
            "/objects/big.bin",
            null,
            "Tus-Resumable",
            "1.0.0",
            "Upload-Length",
            Long.toString((1 << 20) + 1));
    assertThat(tooLong.statusCode()).isEqualTo(413);
    String upload = tusCreate("small.bin", 10);
    assertThat(tusPatch(upload, 0, new byte[11]).statusCode()).isEqualTo(413);
    assertThat(tusPatch("/uploads/0123456789abcdef0123456789abcdef", 0, new byte[1]).statusCode())
        .isEqualTo(404);
    assertThat(send("HEAD", "/uploads/nonsense", null, "Tus-Resumable", "1.0.0").statusCode())
        .isEqualTo(404);
    HttpResponse<String> version =
        send("POST", "/objects/v.bin", null, "Tus-Resumable", "0.2.2", "Upload-Length", "1");
    assertThat(version.statusCode()).isEqualTo(412);
    assertThat(version.headers().firstValue("Tus-Version")).contains("1.0.0");
  }

  @Test
  void terminationDeletesTheUploadAndItsStagedBytes() throws Exception {
    String upload = tusCreate("gone.bin", 10);
    assertThat(tusPatch(upload, 0, new byte[4]).statusCode()).isEqualTo(204);
    assertThat(send("DELETE", upload, null, "Tus-Resumable", "1.0.0").statusCode()).isEqualTo(204);
    assertThat(send("HEAD", upload, null, "Tus-Resumable", "1.0.0").statusCode()).isEqualTo(404);
    assertThat(stagedFiles()).isZero();
  }

  @Test
  void ifNoneMatchStarRefusesACreationOverAnExistingObject() throws Exception {
    assertThat(server.put("taken.bin", new byte[] {1}).statusCode()).isEqualTo(201);
    HttpResponse<String> refused =
        send(
            "POST",
            "/objects/taken.bin",
            null,
            "Tus-Resumable",
            "1.0.0",
            "Upload-Length",
            "1",
            "If-None-Match",
            "*");
    assertThat(refused.statusCode()).isEqualTo(412);
    HttpResponse<String> badKey =
        send("POST", "/objects/a/../b", null, "Tus-Resumable", "1.0.0", "Upload-Length", "1");
    assertThat(badKey.statusCode()).isEqualTo(400);
  }

  @Test
  void ietfUploadInPartsWithItsProblemTypes() throws Exception {
    byte[] data = TestServer.bytes(200_000, 3);
    HttpResponse<String> created =
        send(
            "POST",
            "/objects/ietf/a.bin",
            null,
            "Upload-Complete",
            "?0",
            "Upload-Length",
            "200000",
            "Content-Type",
            "image/png");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String upload = created.headers().firstValue("Location").orElseThrow();
    assertThat(created.headers().firstValue("Upload-Limit").orElseThrow()).contains("max-size=");

    HttpResponse<String> noType =
        send(
            "PATCH",
            upload,
            new byte[10],
            "Upload-Offset",
            "0",
            "Upload-Complete",
            "?0",
            "Content-Type",
            "application/octet-stream");
    assertThat(noType.statusCode()).isEqualTo(415);

    HttpResponse<String> part = ietfPatch(upload, 0, Arrays.copyOfRange(data, 0, 80_000), false);
    assertThat(part.statusCode()).isEqualTo(204);
    assertThat(part.headers().firstValue("Upload-Complete")).contains("?0");

    HttpResponse<String> wrong = ietfPatch(upload, 10, new byte[10], false);
    assertThat(wrong.statusCode()).isEqualTo(409);
    assertThat(wrong.headers().firstValue("Content-Type")).contains("application/problem+json");
    assertThat(wrong.headers().firstValue("Upload-Offset")).contains("80000");
    assertThat(wrong.body())
        .contains("https://iana.org/assignments/http-problem-types#mismatching-upload-offset")
        .contains("\"expected-offset\" : 80000")
        .contains("\"provided-offset\" : 10");

    HttpResponse<String> head = send("HEAD", upload, null);
    assertThat(head.statusCode()).isEqualTo(204);
    assertThat(head.headers().firstValue("Upload-Offset")).contains("80000");
    assertThat(head.headers().firstValue("Upload-Complete")).contains("?0");
    assertThat(head.headers().firstValue("Upload-Length")).contains("200000");

    HttpResponse<String> inconsistent =
        send(
            "PATCH",
            upload,
            new byte[10],
            "Upload-Offset",
            "80000",
            "Upload-Complete",
            "?1",
            "Upload-Length",
            "80010",
            "Content-Type",
            "application/partial-upload");
    assertThat(inconsistent.statusCode()).isEqualTo(400);
    assertThat(inconsistent.body()).contains("#inconsistent-upload-length");

    HttpResponse<String> last =
        ietfPatch(upload, 80_000, Arrays.copyOfRange(data, 80_000, data.length), true);
    assertThat(last.statusCode()).as(last.body()).isEqualTo(201);
    assertThat(last.headers().firstValue("Upload-Complete")).contains("?1");
    assertThat(last.body()).contains(sha256Hex(data));

    HttpResponse<String> again = ietfPatch(upload, 200_000, new byte[0], true);
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(again.body()).contains("#completed-upload");
    HttpResponse<String> more = ietfPatch(upload, 200_000, new byte[5], true);
    assertThat(more.statusCode()).isEqualTo(400);
    assertThat(more.body()).contains("#inconsistent-upload-length");

    HttpResponse<byte[]> object = server.get("/objects/ietf/a.bin");
    assertThat(object.body()).isEqualTo(data);
    assertThat(object.headers().firstValue("Content-Type")).contains("image/png");
    HttpResponse<String> done = send("HEAD", upload, null);
    assertThat(done.headers().firstValue("Upload-Complete")).contains("?1");
  }

  @Test
  void ietfLimitsUnknownUploadsAndCancellationHaveTheDraftsStatusCodes() throws Exception {
    HttpResponse<String> tooLong =
        send(
            "POST",
            "/objects/ietf/big.bin",
            null,
            "Upload-Complete",
            "?0",
            "Upload-Length",
            Long.toString((1 << 20) + 1));
    assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(413);
    assertThat(tooLong.headers().firstValue("Upload-Limit").orElseThrow())
        .startsWith("max-size=" + (1 << 20));

    HttpResponse<String> created =
        send(
            "POST",
            "/objects/ietf/cancel.bin",
            null,
            "Upload-Complete",
            "?0",
            "Upload-Length",
            "10");
    String upload = created.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> beyond = ietfPatch(upload, 0, new byte[11], false);
    assertThat(beyond.statusCode()).as(beyond.body()).isEqualTo(413);
    HttpResponse<String> noComplete =
        send(
            "PATCH",
            upload,
            new byte[2],
            "Upload-Offset",
            "0",
            "Content-Type",
            "application/partial-upload");
    assertThat(noComplete.statusCode()).isEqualTo(400);
    assertThat(noComplete.body()).contains("Upload-Complete");
    assertThat(ietfPatch(upload, 0, new byte[4], false).statusCode()).isEqualTo(204);

    assertThat(send("DELETE", upload, null).statusCode()).isEqualTo(204);
    assertThat(send("HEAD", upload, null).statusCode()).isEqualTo(404);
    assertThat(ietfPatch(upload, 4, new byte[1], false).statusCode()).isEqualTo(404);
    assertThat(stagedFiles()).isZero();
    assertThat(
            ietfPatch("/uploads/0123456789abcdef0123456789abcdef", 0, new byte[1], true)
                .statusCode())
        .isEqualTo(404);
    HttpResponse<String> tusByPut =
        send("PUT", "/objects/ietf/tus.bin", null, "Tus-Resumable", "1.0.0", "Upload-Length", "1");
    assertThat(tusByPut.statusCode()).isEqualTo(405);
  }

  @Test
  void ietfReprDigestOfTheWholeObjectIsVerifiedAtCompletion() throws Exception {
    byte[] data = TestServer.bytes(1000, 4);
    HttpResponse<String> created =
        send(
            "POST",
            "/objects/ietf/digest.bin",
            null,
            "Upload-Complete",
            "?0",
            "Repr-Digest",
            "sha-256=:" + digest("SHA-256", new byte[1]) + ":");
    String upload = created.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> last = ietfPatch(upload, 0, data, true);
    assertThat(last.statusCode()).isEqualTo(400);
    assertThat(last.body()).contains("Repr-Digest sha-256 expected");
    assertThat(server.get("/objects/ietf/digest.bin").statusCode()).isEqualTo(404);
    assertThat(stagedFiles()).isZero();
  }

  @Test
  void ietfSingleRequestUploadIsAPlainPutWhenNothingFails() throws Exception {
    byte[] data = TestServer.bytes(50_000, 5);
    try (Socket socket = server.socket()) {
      OutputStream out = socket.getOutputStream();
      TestServer.write(
          out,
          "PUT /objects/ietf/one.bin HTTP/1.1\r\nHost: x\r\nUpload-Complete: ?1\r\n"
              + "Upload-Draft-Interop-Version: 6\r\nContent-Length: "
              + data.length
              + "\r\n\r\n");
      out.write(data);
      out.flush();
      // over HTTP/1.1 Jetty cannot put headers on a 104, so none is sent (see ResumableUploads)
      String head = TestServer.readHead(socket.getInputStream());
      assertThat(head)
          .startsWith("HTTP/1.1 201")
          .contains("Upload-Complete: ?1")
          .contains("Location: /objects/ietf/one.bin");
    }
    assertThat(server.get("/objects/ietf/one.bin").body()).isEqualTo(data);
  }

  /**
   * A raw connection that has sent a tus {@code PATCH} for all of {@code data} from offset 0 but
   * only its first {@code sent} bytes, once the server has received them; the request stays open.
   */
  private Socket stalledTusPatch(String upload, byte[] data, int sent) throws Exception {
    Socket stalled = server.socket();
    OutputStream out = stalled.getOutputStream();
    TestServer.write(
        out,
        "PATCH "
            + upload
            + " HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
            + "Content-Type: application/offset+octet-stream\r\nContent-Length: "
            + data.length
            + "\r\n\r\n");
    out.write(data, 0, sent);
    out.flush();
    eventually(() -> assertThat(server.metric("sluice_received_bytes_total")).isEqualTo(sent));
    return stalled;
  }

  @Test
  void aNewAppendEndsTheOneStillRunningAtItsDurableOffset() throws Exception {
    byte[] data = TestServer.bytes(100_000, 6);
    String upload = tusCreate("race.bin", data.length);
    try (Socket stalled = stalledTusPatch(upload, data, 30_000)) {
      // the first request still holds its connection open; a HEAD ends it at what it wrote
      HttpResponse<String> head = send("HEAD", upload, null, "Tus-Resumable", "1.0.0");
      assertThat(head.headers().firstValue("Upload-Offset")).contains("30000");
      assertThat(stalled.getInputStream().readAllBytes()).isNotNull(); // closed by the server
    }
    HttpResponse<String> rest = tusPatch(upload, 30_000, Arrays.copyOfRange(data, 30_000, 100_000));
    assertThat(rest.statusCode()).isEqualTo(204);
    assertThat(server.get("/objects/race.bin").body()).isEqualTo(data);
  }

  /** A clock the test moves. */
  static final class ManualClock extends java.time.Clock {
    private volatile java.time.Instant now = java.time.Instant.now();

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  @Test
  void expiredUploadsAre410ForTusAnd404ForTheDraftThenSwept() throws Exception {
    ManualClock clock = new ManualClock();
    try (TestServer shortLived =
        TestServer.start(b -> b.uploadExpiry(Duration.ofHours(1)), clock)) {
      HttpResponse<String> created =
          shortLived.sendText(
              shortLived
                  .request("/objects/short.bin")
                  .POST(BodyPublishers.noBody())
                  .header("Tus-Resumable", "1.0.0")
                  .header("Upload-Length", "10")
                  .build());
      String upload = created.headers().firstValue("Location").orElseThrow();
      HttpRequest tusHead =
          shortLived
              .request(upload)
              .method("HEAD", BodyPublishers.noBody())
              .header("Tus-Resumable", "1.0.0")
              .build();
      HttpRequest ietfHead =
          shortLived.request(upload).method("HEAD", BodyPublishers.noBody()).build();
      assertThat(shortLived.sendText(tusHead).statusCode()).isEqualTo(200);

      clock.advance(Duration.ofMinutes(61));
      assertThat(shortLived.sendText(tusHead).statusCode()).isEqualTo(410);
      assertThat(shortLived.sendText(ietfHead).statusCode()).isEqualTo(404);
      HttpResponse<String> append =
          shortLived.sendText(
              shortLived
                  .request(upload)
                  .method("PATCH", BodyPublishers.ofByteArray(new byte[1]))
                  .header("Tus-Resumable", "1.0.0")
                  .header("Upload-Offset", "0")
                  .header("Content-Type", "application/offset+octet-stream")
                  .build());
      assertThat(append.statusCode()).isEqualTo(410);

      assertThat(shortLived.server.sweepExpiredUploads()).isEqualTo(1);
      assertThat(shortLived.metric("sluice_uploads_resumable_total{event=\"expired\""))
          .isEqualTo(1);
      assertThat(shortLived.sendText(tusHead).statusCode()).isEqualTo(404);
      try (Stream<Path> files =
          Files.list(shortLived.dir.resolve("data").resolve(".sluice-uploads"))) {
        assertThat(files).isEmpty();
      }
    }
  }

  @Test
  void aSecondPatchEndsTheFirstAndIsHeldToItsDurableOffset() throws Exception {
    byte[] data = TestServer.bytes(100_000, 8);
    String upload = tusCreate("race2.bin", data.length);
    try (Socket stalled = stalledTusPatch(upload, data, 40_000)) {
      // a client that thinks the first request failed starts again from 0: told where it is
      HttpResponse<String> again = tusPatch(upload, 0, data);
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(again.headers().firstValue("Upload-Offset")).contains("40000");
      assertThat(stalled.getInputStream().readAllBytes()).isNotNull(); // closed by the server
    }
    HttpResponse<String> rest = tusPatch(upload, 40_000, Arrays.copyOfRange(data, 40_000, 100_000));
    assertThat(rest.statusCode()).isEqualTo(204);
    assertThat(server.get("/objects/race2.bin").body()).isEqualTo(data);
  }

  @Test
  void anUploadBelongsToTheCredentialsThatCreatedIt() throws Exception {
    try (TestServer guarded = TestServer.start(b -> b.token("s3cret"))) {
      HttpResponse<String> noToken =
          guarded.sendText(
              guarded
                  .request("/objects/mine.bin")
                  .POST(BodyPublishers.noBody())
                  .header("Tus-Resumable", "1.0.0")
                  .header("Upload-Length", "10")
                  .build());
      assertThat(noToken.statusCode()).isEqualTo(401);
      HttpResponse<String> created =
          guarded.sendText(
              guarded
                  .request("/objects/mine.bin")
                  .POST(BodyPublishers.noBody())
                  .header("Authorization", "Bearer s3cret")
                  .header("Tus-Resumable", "1.0.0")
                  .header("Upload-Length", "10")
                  .build());
      String upload = created.headers().firstValue("Location").orElseThrow();
      HttpResponse<String> head =
          guarded.sendText(
              guarded
                  .request(upload)
                  .method("HEAD", BodyPublishers.noBody())
                  .header("Authorization", "Bearer s3cret")
                  .header("Tus-Resumable", "1.0.0")
                  .build());
      assertThat(head.statusCode()).isEqualTo(200);
      HttpResponse<String> anonymous =
          guarded.sendText(
              guarded
                  .request(upload)
                  .method("HEAD", BodyPublishers.noBody())
                  .header("Tus-Resumable", "1.0.0")
                  .build());
      assertThat(anonymous.statusCode()).isEqualTo(401);
    }
  }

  private HttpResponse<String> ietfPatch(String upload, long offset, byte[] body, boolean complete)
      throws Exception {
    return server.ietfPatch(upload, offset, body, complete);
  }

  private long stagedFiles() throws Exception {
    Path folder = server.dir.resolve("data").resolve(".sluice-uploads");
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".data")).count();
    }
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static String digest(String algorithm, byte[] data) throws Exception {
    return Base64.getEncoder().encodeToString(MessageDigest.getInstance(algorithm).digest(data));
  }

  static String sha256Hex(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  /**
   * Who may touch an upload is checked before its lease is taken (so a stranger cannot end the
   * owner's append), and that check must not read the bytes an append or a completion may be
   * changing at that moment: an S3 tail listing that overlapped a tail replacement, or a file
   * store's staged file already moved by a completion, read as "no upload", and the client that
   * asked for its offset after a dropped connection got a 404 and started over. Here {@code find}
   * sees the bytes in flux (reports none) while the upload's record and its settled state are
   * there: before the fix HEAD, PATCH and DELETE answered 404.
   */
  @Test
  void theOwnerCheckDoesNotReadBytesThatAnotherRequestIsChanging() throws Exception {
    AtomicBoolean inFlux = new AtomicBoolean();
    server.close();
    server =
        TestServer.startWithUploads(
            b -> b.maxBodySize(1 << 20),
            objects -> bytesInFlux(FileUploadStore.open(objects), inFlux));
    byte[] data = TestServer.bytes(1_000, 5);
    String upload = tusCreate("flux/a.bin", data.length);
    assertThat(tusPatch(upload, 0, Arrays.copyOfRange(data, 0, 400)).statusCode()).isEqualTo(204);

    inFlux.set(true);
    HttpResponse<String> head = send("HEAD", upload, null, "Tus-Resumable", "1.0.0");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Upload-Offset")).contains("400");
    HttpResponse<String> rest = tusPatch(upload, 400, Arrays.copyOfRange(data, 400, data.length));
    assertThat(rest.statusCode()).as(rest.body()).isEqualTo(204);
    assertThat(server.get("/objects/flux/a.bin").body()).isEqualTo(data);

    String other = tusCreate("flux/b.bin", 10);
    assertThat(send("DELETE", other, null, "Tus-Resumable", "1.0.0").statusCode()).isEqualTo(204);
  }

  /** {@code store}, but its {@code find} sees no upload while {@code inFlux} is set. */
  private static UploadStore bytesInFlux(UploadStore store, AtomicBoolean inFlux) {
    return new UploadStore() {
      @Override
      public Upload create(NewUpload upload) throws IOException {
        return store.create(upload);
      }

      @Override
      public Optional<Upload> find(String id) throws IOException {
        return inFlux.get() ? Optional.empty() : store.find(id);
      }

      @Override
      public Optional<Upload> recorded(String id) throws IOException {
        return store.recorded(id);
      }

      @Override
      public Optional<Upload> settle(String id) throws IOException {
        return store.settle(id);
      }

      @Override
      public UploadAppend append(String id, long offset) throws IOException {
        return store.append(id, offset);
      }

      @Override
      public Upload declareLength(String id, long length) throws IOException {
        return store.declareLength(id, length);
      }

      @Override
      public Receipt complete(String id) throws IOException {
        return store.complete(id);
      }

      @Override
      public boolean cancel(String id) throws IOException {
        return store.cancel(id);
      }

      @Override
      public List<Upload> list() throws IOException {
        return store.list();
      }
    };
  }
}
