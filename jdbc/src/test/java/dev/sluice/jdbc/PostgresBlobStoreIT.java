package dev.sluice.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Sources;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobEntry;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.StoreUnavailableException;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.testing.SinkContract;
import dev.sluice.core.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The large-object store passes the sink contract and serves ranges by seeking. Large objects
 * belong to a database, not a table: the class counts them in a database of its own, so another
 * test (or another build) using the shared database cannot change the count under it.
 */
class PostgresBlobStoreIT extends SinkContract {

  private static final String DATABASE = "sluice_lo_" + ProcessHandle.current().pid();
  private static String db;

  @BeforeAll
  static void createDatabase() throws Exception {
    TestDatabases.require(TestDatabases.POSTGRES);
    TestDatabases.execute(TestDatabases.POSTGRES, "DROP DATABASE IF EXISTS " + DATABASE);
    TestDatabases.execute(TestDatabases.POSTGRES, "CREATE DATABASE " + DATABASE);
    db = TestDatabases.POSTGRES.replace("/test?", "/" + DATABASE + "?");
  }

  @AfterAll
  static void dropDatabase() throws Exception {
    if (db != null) {
      TestDatabases.execute(
          TestDatabases.POSTGRES, "DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
    }
  }

  private String table;
  private PostgresBlobStore store;
  private long largeObjectsAtStart;

  @BeforeEach
  void openStore() throws IOException {
    TestDatabases.require(TestDatabases.POSTGRES);
    table = TestDatabases.uniqueTable("sluice_blobs");
    store = PostgresBlobStore.builder(db).table(table).build();
    largeObjectsAtStart = largeObjects();
  }

  @AfterEach
  void dropStore() throws Exception {
    if (store != null) {
      store.close();
    }
    TestDatabases.execute(
        db,
        "SELECT lo_unlink(oid) FROM "
            + table
            + " UNION ALL SELECT lo_unlink(oid) FROM "
            + table
            + "_retired"); // no orphans left
    TestDatabases.dropQuietly(db, table);
    TestDatabases.dropQuietly(db, table + "_retired");
  }

  @Override
  protected Sink newSink() throws IOException {
    return store.create("contract/key", BlobSpec.defaults());
  }

  @Override
  protected void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
    Blob blob = store.find("contract/key").orElseThrow();
    assertThat(blob.size()).isEqualTo(expected.length);
    assertThat(read(blob, 0, expected.length)).isEqualTo(expected);
    assertThat(receipt.details()).containsEntry("sha256", sha256(expected));
    assertThat(blob.sha256()).contains(sha256(expected));
  }

  @Override
  protected void assertNothingVisible() throws IOException {
    assertThat(store.find("contract/key")).isEmpty();
    assertThat(largeObjects()).as("large objects left behind").isEqualTo(largeObjectsAtStart);
  }

  @Test
  void servesRangesBySeeking() throws Exception {
    byte[] content = TestData.random(3 * 1024 * 1024 + 17, 7);
    store(content, "ranges/a.bin", BlobSpec.defaults());
    Blob blob = store.find("ranges/a.bin").orElseThrow();

    assertThat(read(blob, 0, 10)).isEqualTo(Arrays.copyOfRange(content, 0, 10));
    assertThat(read(blob, 2_000_000, 1_000_000))
        .isEqualTo(Arrays.copyOfRange(content, 2_000_000, 3_000_000));
    assertThat(read(blob, content.length - 1, 1))
        .isEqualTo(Arrays.copyOfRange(content, content.length - 1, content.length));
    assertThat(read(blob, content.length, 0)).isEmpty();
    assertThatThrownBy(() -> blob.open(content.length - 1, 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(blob.etag()).isEqualTo('"' + sha256(content) + '"');
  }

  @Test
  void replacingAnObjectUnlinksTheOldLargeObjectAfterTheGrace() throws Exception {
    store(new byte[] {1, 2, 3}, "k", BlobSpec.defaults());
    long before = largeObjects();
    Blob old = store.find("k").orElseThrow();
    store(new byte[] {4, 5}, "k", BlobSpec.defaults());

    assertThat(read(old, 0, 3)).as("a reader of the old version").containsExactly(1, 2, 3);
    assertThat(largeObjects()).isEqualTo(before + 1);
    try (PostgresBlobStore eager =
        PostgresBlobStore.builder(db).table(table).retiredGrace(java.time.Duration.ZERO).build()) {
      eager.delete("none");
    }
    assertThat(largeObjects()).isEqualTo(before);
    assertThat(read(store.find("k").orElseThrow(), 0, 2)).containsExactly(4, 5);
  }

  @Test
  void refusesToOverwriteWhenTheSpecSaysSo() throws Exception {
    store(new byte[] {1}, "k", BlobSpec.defaults());

    assertThatThrownBy(() -> store(new byte[] {2}, "k", new BlobSpec(null, false, null)))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(read(store.find("k").orElseThrow(), 0, 1)).containsExactly(1);
  }

  @Test
  void aDigestMismatchStoresNothing() throws Exception {
    long before = largeObjects();
    BlobSpec spec = new BlobSpec("text/plain", true, "00".repeat(32));

    assertThatThrownBy(() -> store(new byte[] {1, 2}, "bad", spec))
        .hasRootCauseInstanceOf(DigestMismatchException.class);
    assertThat(store.find("bad")).isEmpty();
    assertThat(largeObjects()).isEqualTo(before);
  }

  @Test
  void deleteRemovesTheRowAndTheLargeObject() throws Exception {
    store(new byte[] {1, 2, 3}, "gone", BlobSpec.defaults());
    long before = largeObjects();

    assertThat(store.delete("gone")).isTrue();
    assertThat(store.delete("gone")).isFalse();
    assertThat(store.find("gone")).isEmpty();
    assertThat(largeObjects()).as("kept for its readers during the grace").isEqualTo(before);

    try (PostgresBlobStore eager =
        PostgresBlobStore.builder(db).table(table).retiredGrace(java.time.Duration.ZERO).build()) {
      assertThat(eager.delete("nothing-here"))
          .as("a write sweeps what is past the grace")
          .isFalse();
    }
    assertThat(largeObjects()).isEqualTo(before - 1);
  }

  private void store(byte[] content, String key, BlobSpec spec) throws IOException {
    Ingestion.from(Sources.from(new ByteArrayInputStream(content)))
        .to(store.create(key, spec))
        .run();
  }

  private static long largeObjects() throws IOException {
    try {
      return TestDatabases.queryLong(db, "SELECT count(*) FROM pg_largeobject_metadata");
    } catch (java.sql.SQLException e) {
      throw new IOException(e);
    }
  }

  private static byte[] read(Blob blob, long offset, int length) throws IOException {
    ByteBuffer into = ByteBuffer.allocate(length);
    try (ReadableByteChannel channel = blob.open(offset, length)) {
      while (into.hasRemaining() && channel.read(into) >= 0) {
        // keep reading
      }
      assertThat(channel.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    }
    return into.array();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void operationsShareTheStoresOpenConnectionsAndClosingTheStoreClosesThem() throws Exception {
    String name = "sluice_pool_" + table; // the connections' application_name in pg_stat_activity
    PostgresBlobStore pooled =
        PostgresBlobStore.builder(db + "&ApplicationName=" + name)
            .table(table)
            .maxConnections(2)
            .build();
    store(new byte[] {1, 2, 3}, "k", BlobSpec.defaults());
    Set<Integer> servedBy = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      assertThat(read(pooled.find("k").orElseThrow(), 0, 3)).containsExactly(1, 2, 3);
      assertThat(pooled.delete("none")).isFalse();
      try (Stream<BlobEntry> entries = pooled.list("", "")) {
        assertThat(entries.count()).isEqualTo(1);
      }
      servedBy.addAll(serverProcesses(name));
    }
    assertThat(servedBy)
        .as("the database's server processes that held the store's connections over 90 operations")
        .hasSizeBetween(1, 2);

    pooled.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(serverProcesses(name)).as("after close").isEmpty());
  }

  @Test
  void anOperationBeyondItsBusyConnectionsFailsAsUnavailableAfterTheWait() throws Exception {
    store(new byte[] {1, 2, 3}, "k", BlobSpec.defaults());
    try (PostgresBlobStore one =
        PostgresBlobStore.builder(db)
            .table(table)
            .maxConnections(1)
            .connectionWait(Duration.ofMillis(300))
            .build()) {
      Blob blob = one.find("k").orElseThrow();
      try (ReadableByteChannel reading = blob.open(0, 3)) { // holds the one connection
        assertThat(reading.isOpen()).isTrue();
        assertThatThrownBy(() -> one.find("k"))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessage("the store's database gave no connection within 300 ms")
            .cause()
            .hasMessageContaining("at most 1 open");
        assertThatThrownBy(() -> one.delete("k")).isInstanceOf(StoreUnavailableException.class);
      }
      assertThat(read(one.find("k").orElseThrow(), 0, 3))
          .as("once the reader gave its connection back")
          .containsExactly(1, 2, 3);
    }
  }

  private static Set<Integer> serverProcesses(String applicationName) throws SQLException {
    Set<Integer> pids = new HashSet<>();
    try (Connection connection = DriverManager.getConnection(db);
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
      select.setString(1, applicationName);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          pids.add(rows.getInt(1));
        }
      }
    }
    return pids;
  }

  @Test
  void isReadyWhileItsTableAnswersAndNotWhenTheTableIsGone() throws Exception {
    store.checkReady();
    TestDatabases.execute(db, "ALTER TABLE " + table + " RENAME TO " + table + "_away");
    try {
      assertThatThrownBy(store::checkReady)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("PostgreSQL did not answer a query on the blob table");
    } finally {
      TestDatabases.execute(db, "ALTER TABLE " + table + "_away RENAME TO " + table);
    }
  }
}
