package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CORS (issue 16): a browser page on an allowed origin gets its preflight answered and may read the
 * headers upload clients need; other origins and non-browser clients see no CORS headers.
 */
class CorsIT {

  private static final String APP = "https://app.example";

  private static HttpResponse<String> preflight(TestServer server, String origin, String method)
      throws Exception {
    return server.sendText(
        server
            .request("/objects/c/a.bin")
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", origin)
            .header("Access-Control-Request-Method", method)
            .header("Access-Control-Request-Headers", "content-type, upload-offset, authorization")
            .build());
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredWithTheMethodsAndHeadersAsked() throws Exception {
    try (TestServer server = TestServer.start(b -> b.corsOrigins(List.of(APP, "http://other")))) {
      HttpResponse<String> answer = preflight(server, APP, "PUT");
      assertThat(answer.statusCode()).isEqualTo(204);
      var h = answer.headers();
      assertThat(h.firstValue("Access-Control-Allow-Origin")).hasValue(APP);
      assertThat(h.firstValue("Access-Control-Allow-Methods").orElseThrow())
          .contains("PUT", "PATCH", "POST", "DELETE", "GET", "HEAD", "OPTIONS");
      assertThat(h.firstValue("Access-Control-Allow-Headers"))
          .hasValue("content-type, upload-offset, authorization");
      assertThat(h.firstValue("Access-Control-Max-Age")).isPresent();
      assertThat(h.allValues("Vary").toString()).contains("Origin");
    }
  }

  @Test
  void answersToAnAllowedOriginExposeTheUploadProtocolHeaders() throws Exception {
    try (TestServer server = TestServer.start(b -> b.corsOrigins(List.of(APP)))) {
      HttpResponse<String> put =
          server.sendText(
              server
                  .request("/objects/c/b.bin")
                  .PUT(HttpRequest.BodyPublishers.ofString("x"))
                  .header("Origin", APP)
                  .build());
      assertThat(put.statusCode()).isEqualTo(201);
      assertThat(put.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
      assertThat(put.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
          .contains(
              "ETag",
              "Location",
              "Content-Range",
              "Upload-Offset",
              "Upload-Length",
              "Tus-Resumable",
              "Content-Digest",
              "Repr-Digest");
    }
  }

  @Test
  void anyOriginIsAllowedWithAStar() throws Exception {
    try (TestServer server = TestServer.start(b -> b.corsOrigins(List.of("*")))) {
      HttpResponse<String> answer = preflight(server, "https://anyone.example", "GET");
      assertThat(answer.statusCode()).isEqualTo(204);
      assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }
  }

  @Test
  void anotherOriginAndAPlainOptionsGetNoCorsHeadersAndGoToTheRoutes() throws Exception {
    try (TestServer server = TestServer.start(b -> b.corsOrigins(List.of(APP)))) {
      HttpResponse<String> stranger = preflight(server, "https://evil.example", "PUT");
      assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
      // what the routes answer OPTIONS on an object: the resumable uploads' discovery
      assertThat(stranger.statusCode()).isEqualTo(204);
      assertThat(stranger.headers().firstValue("Tus-Version")).isPresent();

      HttpResponse<String> plainOptions =
          server.sendText(
              server
                  .request("/objects/c/a.bin")
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", APP)
                  .build()); // no Access-Control-Request-Method: not a preflight (tus discovery)
      assertThat(plainOptions.statusCode()).isEqualTo(204);
      assertThat(plainOptions.headers().firstValue("Tus-Version")).isPresent();
      assertThat(plainOptions.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);

      HttpResponse<String> noOrigin = server.sendText(server.request("/health").build());
      assertThat(noOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }

  @Test
  void withoutConfiguredOriginsThereIsNoCorsAtAll() throws Exception {
    try (TestServer server = TestServer.start(b -> b)) {
      HttpResponse<String> answer = preflight(server, APP, "PUT");
      assertThat(answer.statusCode()).isEqualTo(204); // the routes' own OPTIONS (tus discovery)
      assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }
}
