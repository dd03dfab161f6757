package dev.sluice.jdbc;

import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.jdbc.internal.Database;
import dev.sluice.jdbc.internal.LargeObjectBlob;
import dev.sluice.jdbc.internal.LargeObjectSink;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * Blobs held in PostgreSQL as large objects, with a small table mapping each key to its object's
 * oid, size, SHA-256, content type, ETag and last-modified time. Writes are transactional (a new
 * object is visible only once committed; an abort leaves nothing); reads seek with {@code
 * lo_lseek64}, so ranges cost no more than the bytes they return.
 *
 * {@snippet :
 * try (BlobStore store = PostgresBlobStore.open("jdbc:postgresql://127.0.0.1:5432/test?user=postgres")) {
 *   Ingestion.from(Sources.file(Path.of("video.mp4")))
 *       .to(store.create("videos/a.mp4", BlobSpec.defaults()))
 *       .run();
 * }
 * }
 *
 * <p>Each operation opens its own connection (there is no pool): fine for a server's handful of
 * concurrent transfers, not for thousands of tiny reads a second.
 */
public final class PostgresBlobStore implements BlobStore {

  /** The default table: {@code sluice_blobs}. */
  public static final String DEFAULT_TABLE = "sluice_blobs";

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String url;
  private final String table;

  private PostgresBlobStore(String url, String table) {
    this.url = url;
    this.table = table;
  }

  /** Opens the store in {@link #DEFAULT_TABLE}, creating the table if it is missing. */
  public static PostgresBlobStore open(String url) throws IOException {
    return open(url, DEFAULT_TABLE);
  }

  /** Opens the store in {@code table}, creating it if it is missing. */
  public static PostgresBlobStore open(String url, String table) throws IOException {
    if (!Database.isPostgres(url)) {
      throw new IllegalArgumentException("a large-object store needs a PostgreSQL URL: " + url);
    }
    if (table == null || !NAME.matcher(table).matches()) {
      throw new IllegalArgumentException("table must be a plain SQL name: " + table);
    }
    try (Connection connection = Database.connect(url);
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table
              + " (key text PRIMARY KEY, oid oid NOT NULL, size bigint NOT NULL,"
              + " sha256 text NOT NULL, content_type text NOT NULL, etag text NOT NULL,"
              + " last_modified timestamptz NOT NULL)");
    } catch (SQLException e) {
      throw Database.failure("cannot create the blob table " + table, e);
    }
    return new PostgresBlobStore(url, table);
  }

  @Override
  public Sink create(String key, BlobSpec spec) throws IOException {
    return new LargeObjectSink(Database.connect(url), table, key, spec);
  }

  @Override
  public Optional<Blob> find(String key) throws IOException {
    try (Connection connection = Database.connect(url);
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
                url,
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

  @Override
  public boolean delete(String key) throws IOException {
    Connection connection = Database.connect(url);
    try {
      connection.setAutoCommit(false);
      Long oid = null;
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM " + table + " WHERE key = ? RETURNING oid")) {
        delete.setString(1, key);
        try (ResultSet row = delete.executeQuery()) {
          if (row.next()) {
            oid = row.getLong(1);
          }
        }
      }
      if (oid != null) {
        connection.unwrap(PGConnection.class).getLargeObjectAPI().delete(oid);
      }
      connection.commit();
      connection.close();
      return oid != null;
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("cannot delete " + key, e);
    }
  }

  @Override
  public String describe() {
    return Database.redact(url) + "#" + table;
  }

  @Override
  public String toString() {
    return "postgresql-lo-store(" + describe() + ")";
  }
}
