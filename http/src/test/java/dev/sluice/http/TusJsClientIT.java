package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.DroppingProxy;
import dev.sluice.core.testing.TusJsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real tus-js-client (npm, 4.3, run by Node 20 from {@code src/test/node}) uploads a large file
 * in 5 MiB chunks through a proxy that drops the connection at random offsets, in its tus 1.0 mode
 * and in both its IETF-draft modes; the object must end with the source's SHA-256 and no staged
 * bytes left. It also uploads a CSV to {@code /tables/{table}} (H2): every row arrives, once.
 * {@code npm ci} runs first when {@code node_modules} is missing; a missing Node fails the test.
 */
class TusJsClientIT {

  private static final Path NODE_DIR = Path.of("src", "test", "node");
  private static final int MIB = 1 << 20;

  /** The upload's size: 64 MiB, or {@code -Dsluice.tus.mib=N}. */
  private static final int SIZE = Integer.getInteger("sluice.tus.mib", 64) * MIB;

  @TempDir static Path files;
  static Path source;
  static String sourceSha256;

  TestServer server;

  @BeforeAll
  static void prepare() throws Exception {
    source = files.resolve("source.bin");
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    Random random = new Random(2026);
    byte[] block = new byte[MIB];
    try (OutputStream out = Files.newOutputStream(source)) {
      for (int written = 0; written < SIZE; written += MIB) {
        random.nextBytes(block);
        sha256.update(block);
        out.write(block);
      }
    }
    sourceSha256 = HexFormat.of().formatHex(sha256.digest());
  }

  @BeforeEach
  void start() throws Exception {
    server = TestServer.start(b -> b.maxBodySize(1L << 30));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"tus-v1", "ietf-draft-03", "ietf-draft-05"})
  void uploadsThroughDroppedConnectionsWithTheRightSha256(String protocol) throws Exception {
    Random random = new Random(protocol.hashCode());
    long[] cuts = new long[3];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = (long) (MIB + random.nextDouble() * (SIZE - 2L * MIB));
    }
    try (DroppingProxy proxy = new DroppingProxy(server.server.port(), cuts)) {
      String key = "tus-js/" + protocol + ".bin";
      String output =
          TusJsClient.in(NODE_DIR)
              .upload(
                  "http://127.0.0.1:" + proxy.port() + "/objects/" + key,
                  source,
                  protocol,
                  5 * MIB);
      assertThat(output).startsWith("ok http://127.0.0.1:" + proxy.port() + "/uploads/");
      assertThat(proxy.drops()).isEqualTo(cuts.length);

      var head = server.send(server.request("/objects/" + key).HEAD().build());
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValue("Content-Length")).contains(Integer.toString(SIZE));
      assertThat(head.headers().firstValue("ETag")).contains('"' + sourceSha256 + '"');
      assertThat(server.store.find(key).orElseThrow().sha256()).contains(sourceSha256);
      assertThat(stagedFiles()).isZero();
      assertThat(server.metric("sluice_uploads_resumable_total{event=\"completed\"")).isEqualTo(1);
      assertThat(server.metric("sluice_uploads_resumable_total{event=\"resumed\""))
          .isGreaterThanOrEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"tus-v1", "ietf-draft-05"})
  void uploadsACsvIntoATableThroughDroppedConnections(String protocol) throws Exception {
    int rows = 400_000;
    Path csv = files.resolve("rows-" + protocol + ".csv");
    try (var out = Files.newBufferedWriter(csv)) {
      out.write("id,name\n");
      for (int i = 1; i <= rows; i++) {
        out.write(i + ",row number " + i + "\n");
      }
    }
    long size = Files.size(csv);
    String database = "jdbc:h2:" + files.resolve("db-" + protocol).toAbsolutePath();
    try (TestServer tables =
            TestServer.start(
                b -> b.maxBodySize(1L << 30),
                b -> b.route("/tables/", new TablesHandler(database)));
        DroppingProxy proxy = new DroppingProxy(tables.server.port(), size / 3, 2 * size / 3)) {
      String output =
          TusJsClient.in(NODE_DIR)
              .upload(
                  "http://127.0.0.1:" + proxy.port() + "/tables/tus_rows?create-table=true",
                  csv,
                  protocol,
                  5 * MIB);

      assertThat(output).startsWith("ok http://127.0.0.1:" + proxy.port() + "/uploads/");
      assertThat(proxy.drops()).isEqualTo(2);
      try (var connection = java.sql.DriverManager.getConnection(database);
          var statement = connection.createStatement();
          var result =
              statement.executeQuery(
                  "SELECT count(*), sum(CAST(\"id\" AS BIGINT)) FROM tus_rows")) {
        result.next();
        assertThat(result.getLong(1)).isEqualTo(rows);
        assertThat(result.getLong(2)).isEqualTo((long) rows * (rows + 1) / 2);
      }
      try (Stream<?> staged = tables.store.list(".sluice-tables/", null)) {
        assertThat(staged.toList()).isEmpty();
      }
    }
  }

  private long stagedFiles() throws IOException {
    try (Stream<Path> staged = Files.list(server.store.root().resolve(".sluice-uploads"))) {
      return staged.filter(f -> f.getFileName().toString().endsWith(".data")).count();
    }
  }
}
