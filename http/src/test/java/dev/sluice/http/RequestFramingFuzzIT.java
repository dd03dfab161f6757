package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.http.internal.ObjectPaths;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * A fuzzer over request framing and headers, written byte for byte to a raw socket (issue 12):
 * malformed chunk sizes, extensions and trailers, bodies shorter or longer than their
 * Content-Length, bad or duplicated Content-Length, garbage headers, bad ranges and digests, and
 * hostile paths. Whatever arrives, the server answers below 500 (or closes), never shows a class
 * name, a package or its store's path, and keeps serving.
 */
class RequestFramingFuzzIT {

  private static final String TOKEN = "fuzz-token";
  private static final java.util.Map<Integer, Integer> STATUSES =
      new java.util.concurrent.ConcurrentSkipListMap<>();
  private static TestServer server;

  @BeforeContainer
  static void start() throws Exception {
    server =
        TestServer.start(
            b ->
                b.token(TOKEN)
                    .idleTimeout(Duration.ofSeconds(1))
                    .maxBodySize(1 << 20)
                    .maxRequestHeaderSize(8192));
    assertThat(
            server
                .put("fuzz/existing.bin", new byte[5000], "Authorization", "Bearer " + TOKEN)
                .statusCode())
        .isEqualTo(201);
    assertThat(
            server
                .put("kept/untouched.bin", new byte[5000], "Authorization", "Bearer " + TOKEN)
                .statusCode())
        .isEqualTo(201);
  }

  @AfterContainer
  static void stop() throws Exception {
    System.out.println("RequestFramingFuzzIT statuses seen: " + STATUSES);
    server.close();
  }

  /** A request: line, headers and body framing, each possibly malformed. */
  record Fuzzed(String method, String path, List<String> headers, String framing, String body) {
    byte[] bytes() {
      StringBuilder out =
          new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n");
      out.append("Host: fuzz\r\n");
      headers.forEach(h -> out.append(h).append("\r\n"));
      out.append(framing).append("\r\n").append(body);
      return out.toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  @Provide
  Arbitrary<Fuzzed> requests() {
    Arbitrary<String> methods =
        Arbitraries.of("GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "G\u0001T");
    Arbitrary<String> paths =
        Arbitraries.of(
            ObjectPaths.of("fuzz/existing.bin"),
            ObjectPaths.of("fuzz/new one.bin"),
            ObjectPaths.of("fuzz/a;b?c#d%e[f]{g}|h^i`j<k>l\"m"),
            "/objects/fuzz/%",
            "/objects/fuzz/%zz",
            "/objects/fuzz/%C0%AF",
            "/objects/fuzz/%ED%A0%80",
            "/objects/fuzz/a%2Fb",
            "/objects/fuzz/..%2F..%2Fetc",
            "/objects/fuzz/%2e%2e/x",
            "/objects/fuzz/a;b",
            "/objects/fuzz/\u00e9t\u00e9-raw-utf8",
            "/objects/fuzz/a;b=c/d",
            "/objects/fuzz/%00",
            "/objects/fuzz//x",
            "/objects/",
            "/objects",
            "/objects?prefix=%zz",
            "/objects?prefix=../",
            "/objects/" + "a".repeat(1100),
            "/objects/fuzz/" + "%F0%9F%98%80".repeat(50),
            "/tables/t%00x",
            "/tables/x;drop",
            "/tables/a%25b",
            "/tables/a%20b?format=%zz",
            "/health?x=%",
            "/jobs",
            "*",
            "http://elsewhere/objects/fuzz/existing.bin",
            "/objects/fuzz/existing.bin?rate=-1",
            "/objects/fuzz/existing.bin?rate=abc",
            "/objects/fuzz/existing.bin?expires=x&sig=y");
    Arbitrary<String> header =
        Arbitraries.of(
            "Authorization: Bearer " + TOKEN,
            "Authorization: Bearer " + TOKEN,
            "Authorization: Bearer",
            "Authorization: Basic \u00ff\u00fe",
            "Range: bytes=abc",
            "Range: bytes=5-1",
            "Range: bytes=-0",
            "Range: bytes=0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0,0-0",
            "Range: bytes=99999999999999999999-",
            "Range: items=0-1",
            "If-Range: \"nope\"",
            "If-Range: Sun, 99 Xxx 1990 00:00:00 GMT",
            "If-None-Match: ",
            "If-None-Match: *",
            "If-Match: \"x\"",
            "If-Modified-Since: yesterday",
            "If-Unmodified-Since: 1990",
            "Content-Digest: sha-256=:!!!:",
            "Content-Digest: sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
            "Repr-Digest: sha-512=x",
            "Content-MD5: zz",
            "Content-Type: multipart/form-data; boundary=",
            "Content-Type: multipart/form-data; boundary=b",
            "Content-Type: \u0000",
            "Content-Encoding: gzip",
            "Expect: 100-continue",
            "Expect: 200-ok",
            "Transfer-Encoding: gzip, chunked",
            "Transfer-Encoding: identity",
            "X-Garbage: \u0001\u0002",
            "No colon here",
            "Bad Name: x",
            " folded: continuation",
            "X-Long: " + "x".repeat(9000),
            "Connection: close");
    Arbitrary<String[]> framings =
        Arbitraries.of(
            new String[] {"", ""},
            new String[] {"Content-Length: 5\r\n", "hello"},
            new String[] {"Content-Length: 100\r\n", "only ten b"},
            new String[] {"Content-Length: 2\r\n", "longer than two"},
            new String[] {"Content-Length: -1\r\n", "x"},
            new String[] {"Content-Length: 1e3\r\n", "x"},
            new String[] {"Content-Length: 99999999999999999999\r\n", "x"},
            new String[] {"Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"},
            new String[] {
              "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"
            },
            new String[] {"Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
            new String[] {"Transfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n"},
            new String[] {"Transfer-Encoding: chunked\r\n", "-5\r\nhello\r\n0\r\n\r\n"},
            new String[] {"Transfer-Encoding: chunked\r\n", "FFFFFFFFFFFFFFFFFFFF\r\nhello\r\n"},
            new String[] {
              "Transfer-Encoding: chunked\r\n",
              "5;" + "e".repeat(100_000) + "\r\nhello\r\n0\r\n\r\n"
            },
            new String[] {
              "Transfer-Encoding: chunked\r\n",
              "5\r\nhello\r\n0\r\nT: " + "t".repeat(100_000) + "\r\n\r\n"
            },
            new String[] {"Transfer-Encoding: chunked\r\n", "5\r\nhel"},
            new String[] {"Transfer-Encoding: chunked\r\n", "5\r\nhelloXX0\r\n\r\n"},
            new String[] {"Transfer-Encoding: chunked\r\n", "3\r\n--b\r\n0\r\n\r\n"},
            new String[] {
              "Content-Length: 60\r\n",
              "--b\r\nContent-Disposition: form-data; filename*=bad\r\n\r\nx\r\n--b--\r\n"
            });
    return Combinators.combine(methods, paths, header.list().ofMaxSize(4), framings)
        .as((m, p, h, f) -> new Fuzzed(m, p, h, f[0], f[1]));
  }

  @Property(tries = 300, shrinking = ShrinkingMode.OFF)
  void noRequestGetsA5xxOrSeesInternals(@ForAll("requests") Fuzzed request) throws Exception {
    RawHttp.Answer answer = RawHttp.exchange(server.server.port(), request.bytes(), true, 5_000);
    String what =
        request.method()
            + " "
            + request.path()
            + " "
            + request.headers()
            + " "
            + request.framing().replace("\r\n", " | ");
    STATUSES.merge(answer.status(), 1, Integer::sum);
    assertThat(answer.status()).as("%s → %s", what, answer.text()).isLessThan(500);
    assertThat(answer.body())
        .as(what)
        .doesNotContain("dev.sluice")
        .doesNotContain("Exception")
        .doesNotContain("java.")
        .doesNotContain(server.dir.toString());
  }

  @Provide
  Arbitrary<Fuzzed> stalled() {
    Arbitrary<String> targets =
        Arbitraries.of(
            "PUT " + ObjectPaths.of("stall/a b.bin"),
            "POST /objects?prefix=stall/",
            "POST /tables/stall_table?create-table=true");
    Arbitrary<String[]> framings =
        Arbitraries.of(
            new String[] {"Content-Length: 100\r\n", "only ten b"},
            new String[] {"Transfer-Encoding: chunked\r\n", "5\r\nhel"},
            new String[] {"Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n"},
            new String[] {
              "Content-Length: 300\r\nContent-Type: multipart/form-data; boundary=b\r\n",
              "--b\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\nxy"
            });
    return Combinators.combine(targets, framings)
        .as(
            (t, f) ->
                new Fuzzed(
                    t.substring(0, t.indexOf(' ')),
                    t.substring(t.indexOf(' ') + 1),
                    List.of("Authorization: Bearer " + TOKEN),
                    f[0],
                    f[1]));
  }

  /** A body that stops short and waits: the idle timeout (1 s) ends it with a 4xx, never a 5xx. */
  @Property(tries = 8, shrinking = ShrinkingMode.OFF)
  void aStalledBodyIsAnsweredBelow500(@ForAll("stalled") Fuzzed request) throws Exception {
    RawHttp.Answer answer = RawHttp.exchange(server.server.port(), request.bytes(), false, 10_000);
    String what = request.method() + " " + request.path() + " " + request.body();
    STATUSES.merge(answer.status(), 1, Integer::sum);
    assertThat(answer.status()).as("%s → %s", what, answer.text()).isBetween(400, 499);
    assertThat(answer.body()).as(what).doesNotContain("dev.sluice").doesNotContain("Exception");
  }

  @Property(tries = 1, shrinking = ShrinkingMode.OFF)
  void theServerKeepsServingAfterwards() throws Exception {
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
    assertThat(
            server
                .get(ObjectPaths.of("kept/untouched.bin"), "Authorization", "Bearer " + TOKEN)
                .body())
        .hasSize(5000);
  }
}
