package dev.sluice.http;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sluice.core.blob.FileBlobStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;

/**
 * Servers in one process as nodes of one cluster over one shared folder, coordinated through the
 * machine's Redis or PostgreSQL under a namespace of their own; {@link #stop()} stops them and
 * drops the namespace's PostgreSQL tables.
 */
final class ClusterNodes {

  static final String REDIS = "redis://127.0.0.1:6379/0";
  static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private final Path dir;
  private final FileBlobStore store;
  private final String namespace =
      "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final List<SluiceServer> servers = new ArrayList<>();
  private boolean usedPostgres;

  /** Nodes whose store is the folder {@code dir/data}. */
  ClusterNodes(Path dir) throws IOException {
    this.dir = dir;
    this.store = FileBlobStore.open(dir.resolve("data"));
  }

  /** {@code url} if its server answers; else the test is skipped (or fails when CI=true). */
  static String require(String url) {
    int port = url.startsWith("redis") ? 6379 : 5432;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
    } catch (IOException e) {
      String why = url + " is not reachable: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + " (CI=true: start it with scripts/services.sh)");
      }
      Assumptions.abort(why);
    }
    return url;
  }

  /** A node coordinated through {@code coord} (null: a server alone) with the id {@code id}. */
  SluiceServer node(String coord, String id, UnaryOperator<ServerConfig.Builder> more)
      throws Exception {
    String url = null;
    if (coord != null) {
      usedPostgres |= coord.startsWith("jdbc:postgresql:");
      url = coord + (coord.contains("?") ? "&" : "?") + "namespace=" + namespace;
    }
    ServerConfig.Builder b =
        ServerConfig.builder()
            .port(0)
            .store(dir.toString())
            .grace(Duration.ofSeconds(1))
            .coord(url)
            .nodeId(id);
    SluiceServer server = SluiceServer.start(more.apply(b).build(), store);
    servers.add(server);
    return server;
  }

  /** Shuts every node down, closes the store, drops the PostgreSQL tables of the namespace. */
  void stop() throws Exception {
    for (SluiceServer s : servers) {
      s.shutdown(Duration.ofSeconds(1));
    }
    store.close();
    if (usedPostgres) {
      try (var c = java.sql.DriverManager.getConnection(POSTGRES);
          var st = c.createStatement()) {
        for (String table : new String[] {"nodes", "sweeps", "fences", "buckets"}) {
          st.execute("DROP TABLE IF EXISTS " + namespace + "_" + table);
        }
      }
    }
  }
}
