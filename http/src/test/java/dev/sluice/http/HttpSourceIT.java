package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.Sinks;
import dev.sluice.core.Transforms;
import dev.sluice.core.endpoint.EndpointProvider;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.http.internal.HttpSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpSourceIT {

  private static final byte[] DATA = bytes(3_000_000, 7);

  @TempDir Path dir;

  /** Serves DATA with an ETag and ranges; the first {@code cuts} responses stop after 1 MB. */
  private static HttpServer flakyServer(
      int cuts, AtomicReference<String> etag, AtomicInteger ranged) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger cut = new AtomicInteger(cuts);
    server.createContext(
        "/blob",
        exchange -> {
          try (exchange) {
            serve(exchange, etag.get(), cut, ranged);
          }
        });
    server.start();
    return server;
  }

  private static void serve(
      HttpExchange exchange, String etag, AtomicInteger cut, AtomicInteger ranged)
      throws IOException {
    String range = exchange.getRequestHeaders().getFirst("Range");
    String ifRange = exchange.getRequestHeaders().getFirst("If-Range");
    int from = 0;
    exchange.getResponseHeaders().set("ETag", etag);
    if (range != null && etag.equals(ifRange)) {
      ranged.incrementAndGet();
      from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
      exchange
          .getResponseHeaders()
          .set("Content-Range", "bytes " + from + "-" + (DATA.length - 1) + "/" + DATA.length);
      exchange.sendResponseHeaders(206, DATA.length - from);
    } else {
      exchange.sendResponseHeaders(200, DATA.length);
    }
    OutputStream out = exchange.getResponseBody();
    int length = DATA.length - from;
    if (cut.getAndDecrement() > 0) {
      out.write(DATA, from, Math.min(1_000_000, length));
      out.flush();
      throw new IOException("cut on purpose"); // HttpServer closes the connection mid-body
    }
    out.write(DATA, from, length);
  }

  private static EndpointProvider provider(String location) {
    return ServiceLoader.load(EndpointProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.handles(location))
        .findFirst()
        .orElseThrow();
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  @Test
  void aDroppedDownloadResumesWithRangeAndIfRangeAndTheDigestVerifies() throws Exception {
    AtomicInteger ranged = new AtomicInteger();
    HttpServer server = flakyServer(2, new AtomicReference<>("\"v1\""), ranged);
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/blob";
      EndpointProvider http = provider(url);
      assertThat(http).isInstanceOf(HttpEndpointProvider.class);
      Path copy = dir.resolve("copy.bin");
      IngestionReport report =
          Ingestion.from(http.openSource(url, Map.of()))
              .through(Transforms.sha256(sha256(DATA)))
              .to(Sinks.file(copy))
              .run();
      assertThat(report.bytesIn()).isEqualTo(DATA.length);
      assertThat(Files.readAllBytes(copy)).isEqualTo(DATA);
      assertThat(ranged.get()).isEqualTo(2);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aResourceThatChangedMeanwhileIsNotSplicedAndNothingIsStored() throws Exception {
    AtomicReference<String> etag = new AtomicReference<>("\"v1\"");
    HttpServer server = flakyServer(1, etag, new AtomicInteger());
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/blob";
      var source = provider(url).openSource(url, Map.of());
      etag.set("\"v2\"");
      Path copy = dir.resolve("changed.bin");
      assertThatThrownBy(() -> Ingestion.from(source).to(Sinks.file(copy)).run())
          .isInstanceOf(IngestionException.class)
          .hasMessageContaining("cannot resume " + url + " at byte")
          .hasMessageContaining("answered 200 (the resource changed or ignores ranges)");
      assertThat(copy).doesNotExist();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void downloadsFromTheSluiceServerStreamIntoASink() throws Exception {
    try (TestServer sluice = TestServer.start(b -> b)) {
      sluice.put("src/data.bin", DATA);
      String url = sluice.server.baseUrl() + "/objects/src/data.bin";
      IngestionReport report =
          Ingestion.from(provider(url).openSource(url, Map.of()))
              .through(Transforms.sha256())
              .to(Sinks.discard())
              .run();
      assertThat(report.digests().get("sha256")).isEqualTo(sha256(DATA));
    }
  }

  @Test
  void aNon200AnswerNamesTheUrlAndStatus() throws Exception {
    try (TestServer sluice = TestServer.start(b -> b)) {
      String url = sluice.server.baseUrl() + "/objects/src/missing.bin";
      assertThatThrownBy(() -> provider(url).openSource(url, Map.of()))
          .isInstanceOf(IOException.class)
          .hasMessage("GET " + url + " answered 404, expected 200");
    }
  }

  @Test
  void aServerThatRestartsMidBodyIsAskedAgainAfterABackoffAndTheDownloadResumes() throws Exception {
    AtomicInteger ranged = new AtomicInteger();
    AtomicReference<String> etag = new AtomicReference<>("\"v1\"");
    HttpServer first = flakyServer(1, etag, ranged); // drops after 1 MB
    int port = first.getAddress().getPort();
    AtomicReference<HttpServer> restarted = new AtomicReference<>();
    List<Integer> pauses = new ArrayList<>();
    HttpSource.Backoff restartOnSecondPause =
        attempt -> {
          pauses.add(attempt);
          if (attempt == 1) {
            first.stop(0); // down: the first retry finds nothing listening
          } else if (attempt == 2) {
            try {
              HttpServer again = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
              AtomicInteger noCuts = new AtomicInteger();
              again.createContext(
                  "/blob",
                  exchange -> {
                    try (exchange) {
                      serve(exchange, etag.get(), noCuts, ranged);
                    }
                  });
              again.start();
              restarted.set(again);
            } catch (IOException e) {
              throw new AssertionError("cannot listen on port " + port + " again", e);
            }
          }
        };
    String url = "http://127.0.0.1:" + port + "/blob";
    try {
      HttpSource source = HttpSource.open(java.net.URI.create(url), 5, restartOnSecondPause);
      Path copy = dir.resolve("restarted.bin");
      IngestionReport report =
          Ingestion.from(source)
              .through(Transforms.sha256(sha256(DATA)))
              .to(Sinks.file(copy))
              .run();
      assertThat(Files.readAllBytes(copy)).isEqualTo(DATA);
      assertThat(report.bytesIn()).isEqualTo(DATA.length);
      assertThat(pauses).containsExactly(1, 2);
      assertThat(ranged.get()).as("one Range request, to the restarted server").isEqualTo(1);
    } finally {
      first.stop(0);
      if (restarted.get() != null) {
        restarted.get().stop(0);
      }
    }
  }

  @Test
  void aServerThatStaysDownFailsTheDownloadNamingTheUrlAndTheCause() throws Exception {
    HttpServer server = flakyServer(1, new AtomicReference<>("\"v1\""), new AtomicInteger());
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/blob";
    HttpSource source = HttpSource.open(java.net.URI.create(url), 3, attempt -> server.stop(0));
    assertThatThrownBy(() -> Ingestion.from(source).to(Sinks.discard()).run())
        .isInstanceOf(IngestionException.class)
        // the server stops with bytes still in flight: the offset is what arrived, up to 1000000
        .hasMessageMatching(".*GET " + url + " broke off at byte \\d+ of 3000000.*")
        .hasMessageContaining("3 retries did not resume it")
        .hasStackTraceContaining("GET " + url + " failed: connection refused");
  }

  @Test
  void anUnreachableUrlFailsAtOnceNamingTheUrlAndTheCause() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/nothing";
    assertThatThrownBy(() -> provider(url).openSource(url, Map.of()))
        .isInstanceOf(IOException.class)
        .hasMessage("GET " + url + " failed: connection refused");
  }
}
