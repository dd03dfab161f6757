package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /objects?prefix=P&after=K&limit=N} over the file store (issue 16, deliverable 3). */
class ListingIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "listing-token";
  private static final String AUTH = "Bearer " + TOKEN;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(b -> b.token(TOKEN));
    for (String key : List.of("docs/a.txt", "docs/b/c.txt", "docs/b-1.txt", "img/x.png", "z")) {
      HttpResponse<String> put =
          server.put(key, key.getBytes(StandardCharsets.UTF_8), "Authorization", AUTH);
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static JsonNode list(String query) throws Exception {
    HttpResponse<byte[]> response = server.get("/objects" + query, "Authorization", AUTH);
    assertThat(response.statusCode()).as(new String(response.body())).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(response.body());
  }

  private static List<String> keys(JsonNode page) {
    List<String> keys = new ArrayList<>();
    page.get("objects").forEach(entry -> keys.add(entry.get("key").asText()));
    return keys;
  }

  @Test
  void theWholeStoreIsListedInKeyOrderWithEachObjectsMetadata() throws Exception {
    JsonNode page = list("");
    assertThat(keys(page))
        .containsExactly("docs/a.txt", "docs/b-1.txt", "docs/b/c.txt", "img/x.png", "z");
    assertThat(page.has("next")).isFalse();
    JsonNode first = page.get("objects").get(0);
    HttpResponse<byte[]> head = server.get("/objects/docs/a.txt", "Authorization", AUTH);
    assertThat(first.get("size").asLong()).isEqualTo("docs/a.txt".length());
    assertThat(first.get("etag").asText())
        .isEqualTo(head.headers().firstValue("ETag").orElseThrow());
    assertThat(first.get("contentType").asText())
        .isEqualTo(head.headers().firstValue("Content-Type").orElseThrow());
    assertThat(java.time.Instant.parse(first.get("lastModified").asText())).isNotNull();
  }

  @Test
  void aPrefixAndPagesWithTheNextCursorCoverEveryKeyOnce() throws Exception {
    assertThat(keys(list("?prefix=docs/b"))).containsExactly("docs/b-1.txt", "docs/b/c.txt");
    List<String> seen = new ArrayList<>();
    String query = "?limit=2";
    while (true) {
      JsonNode page = list(query);
      seen.addAll(keys(page));
      if (!page.has("next")) {
        break;
      }
      assertThat(keys(page)).hasSize(2);
      query =
          "?limit=2&after=" + URLEncoder.encode(page.get("next").asText(), StandardCharsets.UTF_8);
    }
    assertThat(seen)
        .containsExactly("docs/a.txt", "docs/b-1.txt", "docs/b/c.txt", "img/x.png", "z");
  }

  @Test
  void aFullLastPageSaysNextOnlyWhenMoreFollow() throws Exception {
    JsonNode page = list("?prefix=docs/&limit=3");
    assertThat(keys(page)).hasSize(3);
    assertThat(page.has("next")).isFalse();
    JsonNode shorter = list("?prefix=docs/&limit=2");
    assertThat(shorter.get("next").asText()).isEqualTo("docs/b-1.txt");
  }

  @Test
  void badParametersAre400sNamingTheParameter() throws Exception {
    for (String[] bad :
        new String[][] {
          {"?limit=0", "limit must be a whole number from 1 to 100000: 0"},
          {"?limit=abc", "limit must be a whole number from 1 to 100000: 'abc'"},
          {"?limit=100001", "limit must be a whole number from 1 to 100000: 100001"},
          {"?prefix=%01", "prefix must not contain control characters"},
          {"?after=" + "a".repeat(1025), "after must be at most 1024 bytes"},
        }) {
      HttpResponse<String> response =
          server.sendText(
              server.request("/objects" + bad[0]).header("Authorization", AUTH).GET().build());
      assertThat(response.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(JSON.readTree(response.body()).get("error").asText()).as(bad[0]).contains(bad[1]);
    }
  }

  @Test
  void listingNeedsTheTokenAsReadingDoesAndASignedLinkIsNotEnough() throws Exception {
    assertThat(server.get("/objects").statusCode()).isEqualTo(401);
    assertThat(server.get("/objects", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
    String signed = new UrlSigner(TOKEN).signedPath("z", java.time.Instant.now().plusSeconds(300));
    assertThat(server.get("/objects?" + signed.substring(signed.indexOf('?') + 1)).statusCode())
        .isEqualTo(401);
  }

  @Test
  void otherMethodsOnTheCollectionNameWhatIsAllowed() throws Exception {
    HttpResponse<String> response =
        server.sendText(server.request("/objects").header("Authorization", AUTH).DELETE().build());
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD, POST");
  }
}
