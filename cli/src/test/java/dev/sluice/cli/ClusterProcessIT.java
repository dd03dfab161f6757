package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster as scripts/cluster.sh starts it: three {@code sluice serve} processes behind nginx
 * (round robin, bodies streamed), coordinated through the machine's Redis, storing in its
 * PostgreSQL. Uploads and ranged downloads through nginx reach every node and read back the same
 * from all; the global rate holds for the three together.
 */
class ClusterProcessIT {

  private static final Path SCRIPT = Path.of("..", "scripts", "cluster.sh");
  private static final String STORE = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private int port;
  private boolean started;

  @BeforeEach
  void requireTools() {
    require(nginx() != null, "nginx is not installed (.ci/run installs it: apt-get install nginx)");
    require(listening(6379), "Redis is not reachable on 127.0.0.1:6379");
    require(listening(5432), "PostgreSQL is not reachable on 127.0.0.1:5432");
    require(Files.isRegularFile(Path.of("target", "sluice.jar")), "target/sluice.jar is not built");
  }

  @AfterEach
  void stopCluster() throws Exception {
    if (started) {
      script("stop");
    }
  }

  private static void require(boolean ok, String why) {
    if (!ok) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + " (CI=true)");
      }
      Assumptions.abort(why);
    }
  }

  private static String nginx() {
    for (String candidate : new String[] {"/usr/sbin/nginx", "/usr/local/sbin/nginx"}) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!p.isEmpty() && Files.isExecutable(Path.of(p, "nginx"))) {
        return p + "/nginx";
      }
    }
    return null;
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A base port whose next three ports are free too. */
  private static int freePorts(int count) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 60_000);
      boolean free = true;
      for (int i = 0; i < count && free; i++) {
        try (ServerSocket s = new ServerSocket(base + i, 1, InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no four free consecutive ports");
  }

  private String script(String action, String... more) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("bash", SCRIPT.toString(), action, "--dir", dir.toString()));
    command.addAll(Arrays.asList(more));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("SLUICE_SKIP_BUILD", "1"); // the jar this build made, as it is
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("cluster.sh %s finished", action).isTrue();
    assertThat(p.exitValue()).as("cluster.sh %s: %s", action, out).isZero();
    return out;
  }

  private void start(String... serveFlags) throws Exception {
    port = freePorts(4);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port",
                Integer.toString(port),
                "--nodes",
                "3",
                "--coord",
                "redis://127.0.0.1:6379/0?namespace=it" + run,
                "--store",
                STORE,
                "--"));
    args.addAll(Arrays.asList(serveFlags));
    String out = script("start", args.toArray(String[]::new));
    started = true;
    assertThat(out).contains("cluster: http://127.0.0.1:" + port + " → 3 nodes");
  }

  private URI viaNginx(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private String metricsOf(int node) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + (port + node) + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double metric(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*} (\\S+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void uploadsAndRangedDownloadsThroughNginxReachEveryNodeAndReadTheSameFromAll() throws Exception {
    start();
    List<byte[]> objects = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      byte[] data = new byte[(i + 1) << 20];
      new Random(i).nextBytes(data);
      objects.add(data);
      HttpResponse<String> put =
          client.send(
              HttpRequest.newBuilder(viaNginx("/objects/" + run + "/o" + i))
                  .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    }
    for (int i = 0; i < 3; i++) {
      byte[] data = objects.get(i);
      for (int round = 0; round < 3; round++) { // round robin: each read from another node
        HttpResponse<byte[]> all =
            client.send(
                HttpRequest.newBuilder(viaNginx("/objects/" + run + "/o" + i)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.body()).isEqualTo(data);
        HttpResponse<byte[]> range =
            client.send(
                HttpRequest.newBuilder(viaNginx("/objects/" + run + "/o" + i))
                    .header("Range", "bytes=1000-1999")
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.headers().firstValue("Content-Range"))
            .hasValue("bytes 1000-1999/" + data.length);
        assertThat(range.body()).isEqualTo(Arrays.copyOfRange(data, 1000, 2000));
      }
    }
    double uploaded = 0;
    for (int node = 1; node <= 3; node++) {
      String scrape = metricsOf(node);
      uploaded += metric(scrape, "sluice_received_bytes_total");
      assertThat(metric(scrape, "sluice_sent_bytes_total"))
          .as("node %d served downloads", node)
          .isPositive();
      assertThat(scrape).contains("node=\"node-" + node + "\"");
    }
    assertThat(uploaded).isEqualTo((1 + 2 + 3) << 20);

    JsonNode cluster =
        JSON.readTree(
            client
                .send(
                    HttpRequest.newBuilder(viaNginx("/jobs?scope=cluster")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    List<String> nodes = new ArrayList<>();
    cluster.get("nodes").forEach(n -> nodes.add(n.get("node").asText()));
    assertThat(nodes).containsExactly("node-1", "node-2", "node-3");

    for (int i = 0; i < 3; i++) {
      HttpResponse<Void> deleted =
          client.send(
              HttpRequest.newBuilder(viaNginx("/objects/" + run + "/o" + i)).DELETE().build(),
              HttpResponse.BodyHandlers.discarding());
      assertThat(deleted.statusCode()).isEqualTo(204);
    }
  }

  @Test
  void theGlobalRateHoldsForTheThreeNodesTogether() throws Exception {
    start("--global-rate", "2MiB");
    byte[] data = new byte[1_000_000];
    new Random(7).nextBytes(data);
    HttpResponse<String> put =
        client.send(
            HttpRequest.newBuilder(viaNginx("/objects/" + run + "/g"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(201);

    long start = System.nanoTime();
    List<CompletableFuture<HttpResponse<byte[]>>> downloads = new ArrayList<>();
    for (int i = 0; i < 6; i++) { // two a node
      downloads.add(
          client.sendAsync(
              HttpRequest.newBuilder(viaNginx("/objects/" + run + "/g")).build(),
              HttpResponse.BodyHandlers.ofByteArray()));
    }
    for (CompletableFuture<HttpResponse<byte[]>> d : downloads) {
      assertThat(d.get(60, TimeUnit.SECONDS).body()).isEqualTo(data);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // 6,000,000 bytes through one 2 MiB/s bucket (256 KiB of burst) take at least 2.7 s; a bucket
    // per node (three times the rate) would let them through in 0.8 s
    assertThat(seconds).isGreaterThan(2.2);
    for (int node = 1; node <= 3; node++) {
      assertThat(metric(metricsOf(node), "sluice_sent_bytes_total"))
          .as("node %d served a share", node)
          .isPositive();
    }
    client.send(
        HttpRequest.newBuilder(viaNginx("/objects/" + run + "/g")).DELETE().build(),
        HttpResponse.BodyHandlers.discarding());
  }
}
