package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.http.internal.ObjectPaths;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Multipart file names (issue 12, defect 7) are read by an RFC 6266/7578 parser (quoted strings,
 * {@code filename*=}), and an upload never answers 201 having skipped a file it was given.
 */
class MultipartFileNamesIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(b -> b);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return server.get(path);
  }

  @Test
  void aQuotedFileNameHoldingASemicolonIsOneName() throws Exception {
    byte[] data = "semicolon".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> post =
        server.sendText(
            new MultipartForm()
                .file("a;b.txt", data)
                .part("form-data; name=\"f\"; filename=\"q\\\"uote.txt\"", data) // escaped
                .post(server, "/objects?prefix=mpt/")
                .build());
    assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
    JsonNode objects = JSON.readTree(post.body()).get("objects");
    assertThat(objects.get(0).get("key").asText()).isEqualTo("mpt/a;b.txt");
    assertThat(objects.get(1).get("key").asText()).isEqualTo("mpt/q\"uote.txt");
    assertThat(get(ObjectPaths.of("mpt/a;b.txt")).body()).isEqualTo(data);
    assertThat(get(ObjectPaths.of("mpt/q\"uote.txt")).body()).isEqualTo(data);
  }

  @Test
  void anExtendedFileNameStarParameterIsDecodedAndStored() throws Exception {
    byte[] data = "star".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> post =
        server.sendText(
            new MultipartForm()
                .part("form-data; name=\"f\"; filename*=UTF-8''%C3%A9t%C3%A9%20x.txt", data)
                .post(server, "/objects?prefix=mps/")
                .build());
    assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
    assertThat(JSON.readTree(post.body()).get("objects").get(0).get("key").asText())
        .isEqualTo("mps/été x.txt");
    assertThat(get(ObjectPaths.of("mps/été x.txt")).body()).isEqualTo(data);
  }

  @Test
  void aFormWithoutAnyFilePartIs400NamingTheRule() throws Exception {
    HttpResponse<String> post =
        server.sendText(
            new MultipartForm()
                .part("form-data; name=\"note\"", "hi".getBytes(StandardCharsets.UTF_8))
                .post(server, "/objects?prefix=none/")
                .build());
    assertThat(post.statusCode()).as(post.body()).isEqualTo(400);
    assertThat(JSON.readTree(post.body()).get("error").asText())
        .contains("no file part")
        .contains("filename");
  }

  @Test
  void aFilePartWhoseNameCannotBeDecodedIs400AndNothingIsSilentlySkipped() throws Exception {
    HttpResponse<String> post =
        server.sendText(
            new MultipartForm()
                .file("ok.txt", new byte[] {1})
                .part("form-data; name=\"f\"; filename*=bogus", new byte[] {2})
                .post(server, "/objects?prefix=bad/")
                .build());
    assertThat(post.statusCode()).as(post.body()).isEqualTo(400);
    assertThat(JSON.readTree(post.body()).get("error").asText()).contains("filename*=bogus");
  }
}
