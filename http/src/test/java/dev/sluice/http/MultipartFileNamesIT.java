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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /** POSTs a form of one part, {@code disposition} its Content-Disposition, to {@code path}. */
  private static HttpResponse<String> postOnePart(String disposition, byte[] data, String path)
      throws Exception {
    return server.sendText(new MultipartForm().part(disposition, data).post(server, path).build());
  }

  /** The key of the first object a 201 says it stored. */
  private static String firstKey(HttpResponse<String> post) throws Exception {
    return JSON.readTree(post.body()).get("objects").get(0).get("key").asText();
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
        postOnePart(
            "form-data; name=\"f\"; filename*=UTF-8''%C3%A9t%C3%A9%20x.txt",
            data, "/objects?prefix=mps/");
    assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
    assertThat(firstKey(post)).isEqualTo("mps/été x.txt");
    assertThat(get(ObjectPaths.of("mps/été x.txt")).body()).isEqualTo(data);
  }

  /**
   * An extended name is decoded once, exactly as RFC 8187 says: quotes at its ends are part of the
   * name, {@code +} is a plus (not a space), and white space at its ends is kept.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "\";a\"",
        "\"quoted.txt\"",
        "'single'",
        "a+b.txt",
        "C:x",
        " padded ",
        "100% \"sure\" \u4e00\uD83D\uDE00"
      })
  void anExtendedFileNameIsTheDecodedNameExactly(String name) throws Exception {
    byte[] data = name.getBytes(StandardCharsets.UTF_8);
    String key = "mpx/" + name;
    HttpResponse<String> post =
        postOnePart(
            "form-data; name=\"f\"; filename*=UTF-8''" + rfc8187(name),
            data,
            "/objects?prefix=mpx/");
    assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
    assertThat(firstKey(post)).isEqualTo(key);
    assertThat(get(ObjectPaths.of(key)).body()).isEqualTo(data);
  }

  /** A literal {@code +} is an attr-char of RFC 8187: it stays a plus. */
  @Test
  void aLiteralPlusInAnExtendedFileNameIsAPlus() throws Exception {
    HttpResponse<String> post =
        postOnePart(
            "form-data; name=\"f\"; filename*=utf-8'en'x+y.txt",
            new byte[] {7},
            "/objects?prefix=mpp/");
    assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
    assertThat(firstKey(post)).isEqualTo("mpp/x+y.txt");
  }

  /** Every way an extended name can be malformed is a 400 naming the header, never a 5xx. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "filename*=UTF-8''%",
        "filename*=UTF-8''%zz.txt",
        "filename*=UTF-8''%C3.txt",
        "filename*=UTF-8''a b.txt",
        "filename*=UTF-8''\u00e9.txt",
        "filename*=UTF-8''\"a.txt\"",
        "filename*=no-such-charset''a.txt",
        "filename*=UTF-8'a.txt",
        "filename*="
      })
  void aMalformedExtendedFileNameIs400(String parameter) throws Exception {
    HttpResponse<String> post =
        postOnePart("form-data; name=\"f\"; " + parameter, new byte[] {2}, "/objects?prefix=mpb/");
    assertThat(post.statusCode()).as(post.body()).isEqualTo(400);
    assertThat(JSON.readTree(post.body()).get("error").asText())
        .contains("filename*")
        .contains("RFC 8187");
  }

  /** Percent-encodes every byte of {@code name}'s UTF-8 form that is not an RFC 8187 attr-char. */
  private static String rfc8187(String name) {
    StringBuilder out = new StringBuilder();
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
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
