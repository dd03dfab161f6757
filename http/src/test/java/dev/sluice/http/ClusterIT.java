package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.coord.CoordinationException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Servers in one process as nodes of a cluster coordinated through the machine's Redis or
 * PostgreSQL, over one shared folder: the global rate shared, the cluster's transfers listed by any
 * node, the node label on meters, and what a node does when its store stops answering.
 */
class ClusterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REDIS = ClusterNodes.REDIS;
  private static final String POSTGRES = ClusterNodes.POSTGRES;

  @TempDir Path dir;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ClusterNodes nodes;

  @BeforeEach
  void openStore() throws IOException {
    nodes = new ClusterNodes(dir);
  }

  @AfterEach
  void stop() throws Exception {
    nodes.stop();
  }

  private static String require(String url) {
    return ClusterNodes.require(url);
  }

  private SluiceServer node(String coord, String id, UnaryOperator<ServerConfig.Builder> more)
      throws Exception {
    return nodes.node(coord, id, more);
  }

  private void put(SluiceServer server, String key, byte[] body) throws Exception {
    HttpResponse<Void> r =
        client.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/objects/" + key))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(r.statusCode()).isEqualTo(201);
  }

  private CompletableFuture<HttpResponse<byte[]>> getAsync(SluiceServer server, String path) {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private JsonNode json(SluiceServer server, String path) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private HttpResponse<String> ready(SluiceServer server) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health/ready")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String metrics(SluiceServer server) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(server.baseUrl() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static byte[] bytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @ValueSource(strings = {REDIS, POSTGRES})
  void theGlobalRateIsTheLimitOfAllNodesTogether(String coord) throws Exception {
    require(coord);
    SluiceServer a = node(coord, "node-a", b -> b.globalRate(1 << 20));
    SluiceServer b = node(coord, "node-b", c -> c.globalRate(1 << 20));
    byte[] data = bytes(1_000_000, 1);
    put(a, "g.bin", data);

    long start = System.nanoTime();
    CompletableFuture<HttpResponse<byte[]>> fromA = getAsync(a, "/objects/g.bin");
    CompletableFuture<HttpResponse<byte[]>> fromB = getAsync(b, "/objects/g.bin");
    assertThat(fromA.get().body()).isEqualTo(data);
    assertThat(fromB.get().body()).isEqualTo(data);
    double seconds = (System.nanoTime() - start) / 1e9;
    // 2,000,000 bytes through one shared 1 MiB/s bucket that starts with a 256 KiB burst take at
    // least 1.66 s; a bucket per node would let them through in 0.7 s
    assertThat(seconds).isGreaterThan(1.5);
  }

  @Test
  void anyNodeListsTheTransfersOfEveryLiveNode() throws Exception {
    String coord = require(REDIS);
    SluiceServer a = node(coord, "node-a", b -> b);
    SluiceServer b = node(coord, "node-b", c -> c);
    put(a, "slow.bin", bytes(1_000_000, 2));
    // about a minute at 16 KiB/s: it runs while the listing is looked at, however slow the machine
    CompletableFuture<HttpResponse<byte[]>> slow = getAsync(b, "/objects/slow.bin?rate=16KiB");

    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              JsonNode cluster = json(a, "/jobs?scope=cluster");
              assertThat(cluster.get("complete").asBoolean()).isTrue();
              List<String> nodes = new ArrayList<>();
              cluster.get("nodes").forEach(n -> nodes.add(n.get("node").asText()));
              assertThat(nodes).containsExactly("node-a", "node-b");
              JsonNode onB = cluster.get("nodes").get(1);
              assertThat(onB.get("address").asText()).isEqualTo(b.baseUrl());
              assertThat(onB.get("transfers")).hasSize(1);
              assertThat(onB.get("transfers").get(0).get("key").asText()).isEqualTo("slow.bin");
              assertThat(onB.get("transfers").get(0).get("direction").asText())
                  .isEqualTo("download");
            });
    assertThat(json(a, "/jobs").get("transfers")).as("this node's own: none").isEmpty();

    assertThat(metrics(a))
        .contains("sluice_cluster_nodes{node=\"node-a\"} 2.0")
        .contains("sluice_coordination_reachable{node=\"node-a\"} 1.0")
        .contains("sluice_sent_bytes_total{node=\"node-a\"}");

    b.shutdown(Duration.ofSeconds(1)); // a node that stops leaves the list at once
    JsonNode after = json(a, "/jobs?scope=cluster");
    assertThat(after.get("nodes")).hasSize(1);
    slow.cancel(true); // b's shutdown ended the download after its grace period
  }

  @Test
  void aServerAloneIsAClusterOfOneAndRefusesAnUnknownScope() throws Exception {
    SluiceServer alone = node(null, null, b -> b);
    JsonNode cluster = json(alone, "/jobs?scope=cluster");
    assertThat(cluster.get("nodes")).hasSize(1);
    assertThat(cluster.get("nodes").get(0).get("node").asText()).isEqualTo("local");
    assertThat(alone.coordinationProbe()).isEmpty();
    assertThat(metrics(alone)).doesNotContain("node=").doesNotContain("sluice_cluster_nodes");

    HttpResponse<String> bad =
        client.send(
            HttpRequest.newBuilder(URI.create(alone.baseUrl() + "/jobs?scope=galaxy")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("scope must be node or cluster: galaxy");
  }

  @Test
  void aNodeDoesNotStartWhenItsCoordinationStoreDoesNotAnswer() throws Exception {
    int nobody;
    try (var socket = new java.net.ServerSocket(0)) {
      nobody = socket.getLocalPort();
    }
    String url = "redis://:s3cret@127.0.0.1:" + nobody + "/0";
    assertThatThrownBy(() -> node(url, "n", b -> b))
        .isInstanceOf(CoordinationException.class)
        .hasMessageContaining("coordination store redis://127.0.0.1:" + nobody + "/0")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void whileRedisDoesNotAnswerANodePacesToItsShareAndRecoversWhenItDoes() throws Exception {
    require(REDIS);
    try (TcpProxy proxy = new TcpProxy(6379)) {
      SluiceServer a =
          node("redis://127.0.0.1:" + proxy.port() + "/0", "node-a", b -> b.globalRate(4 << 20));
      byte[] data = bytes(200_000, 3);
      put(a, "d.bin", data);
      assertThat(getAsync(a, "/objects/d.bin").get().body()).isEqualTo(data);
      assertThat(a.coordinationProbe().orElseThrow().reachable()).isTrue();
      assertThat(ready(a).statusCode()).isEqualTo(200);
      assertThat(ready(a).body().replaceAll("\\s", "")).contains("\"coordination\":\"ok\"");

      proxy.cut();
      // downloads go on, neither refused nor unthrottled: paced by this node's share
      assertThat(getAsync(a, "/objects/d.bin").get().body()).isEqualTo(data);
      // uploads need no coordination: they are stored as ever
      byte[] during = bytes(100_000, 4);
      put(a, "during-the-cut.bin", during);
      assertThat(getAsync(a, "/objects/during-the-cut.bin").get().body()).isEqualTo(during);
      assertThat(metrics(a)).contains("sluice_throttle_shared{node=\"node-a\"} 0.0");
      assertThat(a.coordinationProbe().orElseThrow().reachable()).isFalse();
      assertThat(a.coordinationProbe().orElseThrow().problem())
          .startsWith("coordination store redis://127.0.0.1:" + proxy.port() + "/0");
      HttpResponse<String> notReady = ready(a);
      assertThat(notReady.statusCode()).as(notReady.body()).isEqualTo(503);
      assertThat(notReady.body().replaceAll("\\s", ""))
          .contains("\"status\":\"notready\"", "\"store\":\"ok\"", "\"coordination\":")
          .doesNotContain("\"coordination\":\"ok\"")
          .doesNotContain("127.0.0.1");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> metrics(a).contains("sluice_coordination_reachable{node=\"node-a\"} 0.0"));

      proxy.restore();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                assertThat(getAsync(a, "/objects/d.bin").get().body()).isEqualTo(data);
                String m = metrics(a);
                assertThat(m).contains("sluice_throttle_shared{node=\"node-a\"} 1.0");
                assertThat(m).contains("sluice_coordination_reachable{node=\"node-a\"} 1.0");
              });
      assertThat(a.coordinationProbe().orElseThrow().reachable()).isTrue();
      assertThat(ready(a).statusCode()).isEqualTo(200);
    }
    assertThat(Files.exists(dir.resolve("data").resolve("d.bin"))).isTrue();
  }
}
