package dev.sluice.jdbc;

import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobEntry;
import dev.sluice.core.blob.BlobSink;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.blob.Precondition;
import dev.sluice.core.blob.PreconditionFailedException;
import dev.sluice.jdbc.internal.BlobRows;
import dev.sluice.jdbc.internal.ConnectionPool;
import dev.sluice.jdbc.internal.Database;
import dev.sluice.jdbc.internal.LargeObjectBlob;
import dev.sluice.jdbc.internal.LargeObjectWriter;
import dev.sluice.jdbc.internal.Retired;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Blobs held in PostgreSQL as large objects, with a small table mapping each key to its object's
 * oid, size, SHA-256, content type, ETag and last-modified time. Writes are transactional (a new
 * object is visible only once committed; an abort leaves nothing); reads seek with {@code
 * lo_lseek64}, so ranges cost no more than the bytes they return.
 *
 * <p>A found blob keeps the repeatable-read transaction that read its row until it is closed, so it
 * reads the version it found even while a replace or delete unlinks that version's object. A {@link
 * Precondition} is tested on the key's row, locked {@code FOR UPDATE}, in the transaction that
 * writes or deletes it.
 *
 * {@snippet :
 * try (BlobStore store = PostgresBlobStore.open("jdbc:postgresql://127.0.0.1:5432/test?user=postgres")) {
 *   Ingestion.from(Sources.file(Path.of("video.mp4")))
 *       .to(store.create("videos/a.mp4", BlobSpec.defaults()))
 *       .run();
 * }
 * }
 *
 * <p>Operations take their connections from the store's own pool and give them back (at most {@link
 * Builder#maxConnections}; a transfer holds one while it runs); closing the store closes them.
 * Thread-safe.
 */
public final class PostgresBlobStore implements BlobStore {

  /** The default table: {@code sluice_blobs}. */
  public static final String DEFAULT_TABLE = "sluice_blobs";

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** How long a replaced or deleted version's object stays readable by default: 10 minutes. */
  public static final Duration DEFAULT_RETIRED_GRACE = Duration.ofMinutes(10);

  /** The most connections a store keeps open unless told otherwise. */
  public static final int DEFAULT_MAX_CONNECTIONS = 32;

  /** How long an operation waits for a connection unless told otherwise. */
  public static final Duration DEFAULT_CONNECTION_WAIT = Duration.ofSeconds(10);

  private final String url;
  private final ConnectionPool connections;
  private final String table;
  private final Duration retiredGrace;

  private PostgresBlobStore(
      String url, ConnectionPool connections, String table, Duration retiredGrace) {
    this.url = url;
    this.connections = connections;
    this.table = table;
    this.retiredGrace = retiredGrace;
  }

  /** Opens the store in {@link #DEFAULT_TABLE}, creating the table if it is missing. */
  public static PostgresBlobStore open(String url) throws IOException {
    return builder(url).build();
  }

  /** Starts configuring a store on the PostgreSQL database at {@code url}. */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** The settings of a {@link PostgresBlobStore}; {@link #build} opens it. Not thread-safe. */
  public static final class Builder {
    private final String url;
    private String table = DEFAULT_TABLE;
    private Duration retiredGrace = DEFAULT_RETIRED_GRACE;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private Duration connectionWait = DEFAULT_CONNECTION_WAIT;

    private Builder(String url) {
      this.url = url;
    }

    /**
     * The table of blobs (default {@link #DEFAULT_TABLE}); {@code table_retired} goes beside it.
     */
    public Builder table(String table) {
      if (table == null || !NAME.matcher(table).matches()) {
        throw new IllegalArgumentException("table must be a plain SQL name: " + table);
      }
      this.table = table;
      return this;
    }

    /**
     * How long a replaced or deleted version stays readable after it goes (default {@link
     * #DEFAULT_RETIRED_GRACE}).
     */
    public Builder retiredGrace(Duration retiredGrace) {
      if (retiredGrace == null || retiredGrace.isNegative()) {
        throw new IllegalArgumentException("retiredGrace must be >= 0: " + retiredGrace);
      }
      this.retiredGrace = retiredGrace;
      return this;
    }

    /**
     * The most connections the store keeps open (default {@link #DEFAULT_MAX_CONNECTIONS}): each
     * transfer holds one while it runs, and an operation beyond them waits up to {@link
     * #connectionWait} for one to come back.
     */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be >= 1: " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * How long an operation waits for a connection, a free one or a new one from the database
     * (default {@link #DEFAULT_CONNECTION_WAIT}, at least 250 ms) before it fails with {@link
     * dev.sluice.core.blob.StoreUnavailableException}.
     */
    public Builder connectionWait(Duration connectionWait) {
      if (connectionWait == null || connectionWait.toMillis() < 250) {
        throw new IllegalArgumentException("connectionWait must be >= 250 ms: " + connectionWait);
      }
      this.connectionWait = connectionWait;
      return this;
    }

    /** Opens the store, creating its tables if they are missing. */
    public PostgresBlobStore build() throws IOException {
      if (!Database.isPostgres(url)) {
        throw new IllegalArgumentException(
            "a large-object store needs a PostgreSQL URL: " + Database.redact(url));
      }
      ConnectionPool connections = ConnectionPool.open(url, table, maxConnections, connectionWait);
      try {
        createTables(connections, table);
      } catch (IOException | RuntimeException e) {
        connections.close();
        throw e;
      }
      return new PostgresBlobStore(url, connections, table, retiredGrace);
    }
  }

  private static void createTables(ConnectionPool connections, String table) throws IOException {
    try (Connection connection = connections.take();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " (key text PRIMARY KEY, oid oid NOT NULL, size bigint NOT NULL,"
              + " sha256 text NOT NULL, content_type text NOT NULL, etag text NOT NULL,"
              + " last_modified timestamptz NOT NULL)");
      statement.execute(BlobRows.createIndex(table));
      Retired.createTable(statement, table);
    } catch (SQLException e) {
      throw Database.failure("cannot create the blob table " + table, e);
    }
  }

  /**
   * Resumable uploads into this store (see {@link PostgresUploadStore}), in {@code TABLE_uploads},
   * created if missing.
   */
  public PostgresUploadStore uploads(java.time.Clock clock) throws IOException {
    return new PostgresUploadStore(connections, table, retiredGrace, clock);
  }

  @Override
  public Sink create(String key, BlobSpec spec) throws IOException {
    return BlobSink.of(
        new LargeObjectWriter(connections.take(), table, key, spec, retiredGrace),
        spec.expectedSha256());
  }

  @Override
  public Optional<Blob> find(String key) throws IOException {
    try (Connection connection = connections.take();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT oid, size, sha256, content_type, etag, last_modified FROM "
                    + table
                    + " WHERE key = ?")) {
      select.setString(1, key);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new LargeObjectBlob(
                connections,
                row.getLong(1),
                row.getLong(2),
                row.getString(3),
                row.getString(4),
                row.getString(5),
                row.getTimestamp(6).toInstant()));
      }
    } catch (SQLException e) {
      throw Database.failure("cannot look up " + key, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A keyset query in {@code COLLATE "C"} order (by UTF-8 byte) over the table's {@code _key_c}
   * index, read through a cursor on its own connection, which closing the stream releases.
   */
  @Override
  public Stream<BlobEntry> list(String prefix, String after) throws IOException {
    return BlobRows.list(
        connections, table, prefix == null ? "" : prefix, after == null ? "" : after);
  }

  @Override
  public boolean delete(String key, Precondition precondition) throws IOException {
    Connection connection = connections.take();
    try {
      connection.setAutoCommit(false);
      Long oid = null;
      String etag = null;
      Instant lastModified = null;
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT oid, etag, last_modified FROM " + table + " WHERE key = ? FOR UPDATE")) {
        select.setString(1, key);
        try (ResultSet row = select.executeQuery()) {
          if (row.next()) {
            oid = row.getLong(1);
            etag = row.getString(2);
            lastModified = row.getTimestamp(3).toInstant();
          }
        }
      }
      if (!precondition.holds(etag, lastModified)) {
        throw new PreconditionFailedException(key);
      }
      if (oid != null) {
        try (PreparedStatement delete =
            connection.prepareStatement("DELETE FROM " + table + " WHERE key = ?")) {
          delete.setString(1, key);
          delete.executeUpdate();
        }
        Retired.retire(connection, table, oid);
      }
      Retired.sweep(connection, table, retiredGrace);
      connection.commit();
      connection.close();
      return oid != null;
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("cannot delete " + key, e);
    } catch (IOException | RuntimeException | Error e) {
      Database.rollbackAndClose(connection, e);
      throw e;
    }
  }

  /** Ready when the database takes a connection and answers a query on the blob table. */
  @Override
  public void checkReady() throws IOException {
    try (Connection connection = connections.take();
        Statement statement = connection.createStatement()) {
      statement.setQueryTimeout(5);
      statement.executeQuery("SELECT 1 FROM " + table + " WHERE false").close();
    } catch (SQLException e) {
      throw new IOException(
          "PostgreSQL did not answer a query on the blob table: "
              + dev.sluice.core.Secrets.redact(e.getMessage()),
          e);
    }
  }

  @Override
  public String describe() {
    return Database.redact(url) + "#" + table;
  }

  /** Closes the store's connections (its {@link #uploads} too); a transfer still running fails. */
  @Override
  public void close() {
    connections.close();
  }

  @Override
  public String toString() {
    return "postgresql-lo-store(" + describe() + ")";
  }
}
