package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.blob.ObjectKeys;
import dev.sluice.http.internal.ObjectPaths;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Any key valid under {@link ObjectKeys} round-trips through every route of a real server over the
 * file store (issue 12): PUT → its {@code Location} → GET → DELETE, a multipart file name → GET,
 * and a signed link → GET. Keys mix letters, every character URLs reserve or find unsafe, and
 * non-ASCII (including characters outside the BMP).
 */
class KeyRoundTripIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "round-trip-token";
  private static final String AUTH = "Bearer " + TOKEN;
  private static final String HOSTILE = " \"#%;<>?[]^`{|}+&=@:$,!'()*~.-_";
  private static final java.util.concurrent.atomic.AtomicInteger TRIES =
      new java.util.concurrent.atomic.AtomicInteger();
  private static TestServer server;

  @BeforeContainer
  static void start() throws Exception {
    server = TestServer.start(b -> b.token(TOKEN));
  }

  @AfterContainer
  static void stop() throws Exception {
    server.close();
  }

  @Provide
  Arbitrary<String> segments() {
    Arbitrary<Character> chars =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.chars().alpha()),
            net.jqwik.api.Tuple.of(
                4, Arbitraries.of(HOSTILE.chars().mapToObj(c -> (char) c).toList())),
            net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\u00a0', '\u024f')),
            net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\u4e00', '\u4eff')));
    Arbitrary<String> plain = chars.list().ofMinSize(1).ofMaxSize(10).map(RoundTrip::join);
    Arbitrary<String> astral = plain.map(s -> s + "\uD83D\uDE00"); // U+1F600, a surrogate pair
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(9, plain), net.jqwik.api.Tuple.of(1, astral))
        .filter(s -> !s.equals(".") && !s.equals(".."));
  }

  @Provide
  Arbitrary<String> keys() {
    return segments()
        .list()
        .ofMinSize(1)
        .ofMaxSize(4)
        .map(parts -> String.join("/", parts))
        .filter(KeyRoundTripIT::valid);
  }

  /**
   * A key under a folder of its own try, so that no key is the folder of another (the file store
   * refuses {@code a} while {@code a/b} exists, and keeps empty folders: issue 12, defect 11).
   */
  private static String unique(String key) {
    return "rt/" + TRIES.incrementAndGet() + "/" + key;
  }

  private static boolean valid(String key) {
    try {
      ObjectKeys.validate(key);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] content(String key) {
    return ("content of " + key).getBytes(StandardCharsets.UTF_8);
  }

  @Property(tries = 200, shrinking = ShrinkingMode.OFF)
  void putLocationGetDeleteAgreeOnTheKey(@ForAll("keys") String tail) throws Exception {
    String key = unique(tail);
    byte[] data = content(key);
    HttpResponse<String> put =
        server.sendText(
            server
                .request(ObjectPaths.of(key))
                .header("Authorization", AUTH)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                .build());
    assertThat(put.statusCode()).as("PUT %s: %s", key, put.body()).isEqualTo(201);
    assertThat(JSON.readTree(put.body()).get("key").asText()).isEqualTo(key);
    String location = put.headers().firstValue("Location").orElseThrow();
    assertThat(location).isEqualTo(ObjectPaths.of(key));
    HttpResponse<byte[]> got = server.get(location, "Authorization", AUTH);
    assertThat(got.statusCode()).as("GET %s", location).isEqualTo(200);
    assertThat(got.body()).isEqualTo(data);
    HttpResponse<byte[]> deleted =
        server.send(server.request(location).header("Authorization", AUTH).DELETE().build());
    assertThat(deleted.statusCode()).as("DELETE %s", location).isEqualTo(204);
    assertThat(server.get(location, "Authorization", AUTH).statusCode()).isEqualTo(404);
    assertThat(server.store.find(key)).isEmpty();
  }

  @Property(tries = 150, shrinking = ShrinkingMode.OFF)
  void aMultipartFileNameBecomesTheKeyAGetReaches(
      @ForAll("keys") String tail, @ForAll("segments") String fileName) throws Exception {
    String folder = unique(tail);
    String key = folder + "/" + fileName;
    if (!valid(key)) {
      return;
    }
    byte[] data = content(key);
    String prefix = URLEncoder.encode(folder + "/", StandardCharsets.UTF_8);
    HttpResponse<String> post =
        server.sendText(
            new MultipartForm()
                .file(fileName, data)
                .post(server, "/objects?prefix=" + prefix)
                .header("Authorization", AUTH)
                .build());
    assertThat(post.statusCode()).as("POST %s: %s", key, post.body()).isEqualTo(201);
    JsonNode stored = JSON.readTree(post.body()).get("objects").get(0);
    assertThat(stored.get("key").asText()).isEqualTo(key);
    HttpResponse<byte[]> got = server.get(ObjectPaths.of(key), "Authorization", AUTH);
    assertThat(got.statusCode()).as("GET %s", ObjectPaths.of(key)).isEqualTo(200);
    assertThat(got.body()).isEqualTo(data);
    assertThat(server.store.delete(key)).isTrue();
  }

  @Property(tries = 150, shrinking = ShrinkingMode.OFF)
  void aSignedLinkReadsTheKeyItWasMadeFor(@ForAll("keys") String tail) throws Exception {
    String key = unique(tail);
    byte[] data = content(key);
    assertThat(
            server
                .sendText(
                    server
                        .request(ObjectPaths.of(key))
                        .header("Authorization", AUTH)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                        .build())
                .statusCode())
        .isEqualTo(201);
    String link = new UrlSigner(TOKEN).signedPath(key, Instant.now().plusSeconds(600));
    HttpResponse<byte[]> got = server.get(link);
    assertThat(got.statusCode())
        .as("GET %s: %s", link, new String(got.body(), StandardCharsets.UTF_8))
        .isEqualTo(200);
    assertThat(got.body()).isEqualTo(data);
    assertThat(server.store.delete(key)).isTrue();
  }

  /** Joins characters into a string. */
  private static final class RoundTrip {
    static String join(java.util.List<Character> chars) {
      StringBuilder out = new StringBuilder(chars.size());
      chars.forEach(out::append);
      return out.toString();
    }
  }
}
