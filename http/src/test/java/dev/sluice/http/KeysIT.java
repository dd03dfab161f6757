package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.http.internal.ObjectPaths;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One decoding rule for keys (issue 12, defects 6 and 7): a key is the percent-decoded path after
 * {@code /objects/}; {@code Location}, signed links and multipart file names agree with it.
 */
class KeysIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "keys-token";
  private static final String AUTH = "Bearer " + TOKEN;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(b -> b.token(TOKEN));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<String> put(String path, byte[] body) throws Exception {
    return server.sendText(
        server
            .request(path)
            .header("Authorization", AUTH)
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return server.get(path, "Authorization", AUTH);
  }

  private static int delete(String path) throws Exception {
    return server
        .send(server.request(path).header("Authorization", AUTH).DELETE().build())
        .statusCode();
  }

  @Test
  void aPercentEncodedSpaceIsDecodedIntoTheKeyAndItsLocationAnswers() throws Exception {
    byte[] data = "space".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> put = put("/objects/sp/a%20b", data);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    assertThat(JSON.readTree(put.body()).get("key").asText()).isEqualTo("sp/a b");
    assertThat(put.headers().firstValue("Location")).hasValue("/objects/sp/a%20b");
    assertThat(server.store.find("sp/a b")).isPresent();
    assertThat(get(put.headers().firstValue("Location").orElseThrow()).body()).isEqualTo(data);
    assertThat(delete("/objects/sp/a%20b")).isEqualTo(204);
    assertThat(get("/objects/sp/a%20b").statusCode()).isEqualTo(404);
  }

  @Test
  void everyReservedOrUnsafeCharacterRoundTripsThroughPutLocationGetAndDelete() throws Exception {
    for (char c : " \"#%;<>?[]^`{|}+&=@:$,!'()*".toCharArray()) {
      String key = "chars/x" + c + "y";
      byte[] data = key.getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> put = put(ObjectPaths.of(key), data);
      assertThat(put.statusCode()).as("PUT %s: %s", key, put.body()).isEqualTo(201);
      assertThat(JSON.readTree(put.body()).get("key").asText()).as(key).isEqualTo(key);
      String location = put.headers().firstValue("Location").orElseThrow();
      assertThat(location).as(key).isEqualTo(ObjectPaths.of(key));
      HttpResponse<byte[]> got = get(location);
      assertThat(got.statusCode()).as("GET %s", location).isEqualTo(200);
      assertThat(got.body()).as(key).isEqualTo(data);
      assertThat(delete(location)).as("DELETE %s", location).isEqualTo(204);
      assertThat(server.store.find(key)).as(key).isEmpty();
    }
  }

  @Test
  void aRawSemicolonIsPartOfTheKeyNotAPathParameter() throws Exception {
    byte[] data = "semi".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> put = put("/objects/semi/a;b=c/d", data);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    assertThat(JSON.readTree(put.body()).get("key").asText()).isEqualTo("semi/a;b=c/d");
    assertThat(put.headers().firstValue("Location")).hasValue("/objects/semi/a%3Bb%3Dc/d");
    assertThat(get("/objects/semi/a%3Bb%3Dc/d").body()).isEqualTo(data);
    assertThat(server.store.find("semi/d")).isEmpty();
  }

  @Test
  void anEncodedSlashInsideASegmentIsA400ForEveryMethod() throws Exception {
    assertThat(put("/objects/sl/a%2Fb", new byte[] {1}).statusCode()).isEqualTo(400);
    assertThat(get("/objects/sl/a%2Fb").statusCode()).isEqualTo(400);
    assertThat(delete("/objects/sl/a%2Fb")).isEqualTo(400);
    assertThat(get("/objects/sl/a%2fb").statusCode()).isEqualTo(400);
  }

  @Test
  void aMultipartFileNameWithASpaceIsReachableAtItsEncodedPath() throws Exception {
    byte[] data = "multipart space".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> post =
        server.sendText(
            new MultipartForm()
                .file("a b.txt", data)
                .post(server, "/objects?prefix=mp/")
                .header("Authorization", AUTH)
                .build());
    assertThat(post.statusCode()).as(post.body()).isEqualTo(201);
    assertThat(JSON.readTree(post.body()).get("objects").get(0).get("key").asText())
        .isEqualTo("mp/a b.txt");
    assertThat(get("/objects/mp/a%20b.txt").body()).isEqualTo(data);
    assertThat(delete("/objects/mp/a%20b.txt")).isEqualTo(204);
    assertThat(server.store.find("mp/a b.txt")).isEmpty();
  }

  @Test
  void aSignedLinkForAKeyWithSpacesAndReservedCharactersIsAccepted() throws Exception {
    String key = "signed/a b;c?d#e%f.txt";
    byte[] data = "signed".getBytes(StandardCharsets.UTF_8);
    assertThat(put(ObjectPaths.of(key), data).statusCode()).isEqualTo(201);
    String link = new UrlSigner(TOKEN).signedPath(key, Instant.now().plusSeconds(600));
    HttpResponse<byte[]> got = server.get(link);
    assertThat(got.statusCode()).as(new String(got.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(got.body()).isEqualTo(data);
  }
}
