package dev.sluice.jdbc.internal;

import dev.sluice.core.Receipt;
import dev.sluice.core.blob.BlobSink;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobWriter;
import dev.sluice.core.blob.PreconditionFailedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * Stores one blob as a PostgreSQL large object behind a {@link BlobSink}, in one transaction:
 * publish locks the key's row ({@code FOR UPDATE}), tests the spec's precondition against it,
 * points it at the new object (retiring the object it replaces, see {@link Retired}) and commits;
 * discard rolls back, which also drops the new large object.
 */
public final class LargeObjectWriter implements BlobWriter {

  private final Connection connection;
  private final String table;
  private final String key;
  private final BlobSpec spec;
  private final Duration retiredGrace;
  private final long oid;
  private final LargeObject object;
  private final ArrayWrites writes; // null for an adopted object
  private boolean committed;

  /** Takes over {@code connection} and creates the large object. */
  public LargeObjectWriter(
      Connection connection, String table, String key, BlobSpec spec, Duration retiredGrace)
      throws IOException {
    this(connection, table, key, spec, retiredGrace, -1);
  }

  /**
   * A writer that writes nothing and publishes an existing large object (a resumable upload's),
   * {@code oid}, through {@link BlobSink#commitWritten}. Takes over {@code connection}; a discard
   * rolls back and leaves the object as it was.
   */
  public static LargeObjectWriter adopting(
      Connection connection,
      String table,
      String key,
      BlobSpec spec,
      Duration retiredGrace,
      long oid)
      throws IOException {
    return new LargeObjectWriter(connection, table, key, spec, retiredGrace, oid);
  }

  private LargeObjectWriter(
      Connection connection,
      String table,
      String key,
      BlobSpec spec,
      Duration retiredGrace,
      long adoptedOid)
      throws IOException {
    this.connection = connection;
    this.retiredGrace = retiredGrace;
    this.table = table;
    this.key = key;
    this.spec = spec;
    try {
      connection.setAutoCommit(false);
      Current current = current(false); // an early answer; publish checks again, locked
      if (!spec.overwrite() && current != null) {
        throw exists();
      }
      if (!spec.precondition().holds(etagOf(current), modifiedOf(current))) {
        throw new PreconditionFailedException(key);
      }
      if (adoptedOid >= 0) {
        oid = adoptedOid;
        object = null;
        writes = null;
      } else {
        LargeObjectManager objects = connection.unwrap(PGConnection.class).getLargeObjectAPI();
        oid = objects.createLO(LargeObjectManager.READWRITE);
        object = objects.open(oid, LargeObjectManager.WRITE);
        writes = new ArrayWrites(object::write);
      }
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("cannot store " + key, e);
    } catch (IOException | RuntimeException e) {
      Database.rollbackAndClose(connection, e);
      throw e;
    }
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (writes == null) {
      throw new IllegalStateException("the object for key " + key + " was adopted, not written");
    }
    try {
      writes.write(chunk);
    } catch (SQLException e) {
      throw Database.failure("writing " + key + " failed", e);
    }
  }

  @Override
  public Receipt publish(String sha256, long size) throws IOException {
    try {
      if (object != null) {
        object.close();
      }
      String etag = '"' + sha256 + '"';
      Long replaced = point(sha256, etag, size);
      if (replaced != null) {
        Retired.retire(connection, table, replaced); // its readers keep reading it for a while
      }
      Retired.sweep(connection, table, retiredGrace);
      connection.commit();
      committed = true;
      connection.close();
      return Receipt.of(table + "/" + key)
          .with("key", key)
          .with("bytes", size)
          .with("sha256", sha256)
          .with("etag", etag)
          .with("contentType", spec.contentType())
          .with("oid", oid);
    } catch (SQLException e) {
      throw Database.failure("storing " + key + " failed", e);
    }
  }

  /**
   * Points the key at the new object, once the precondition holds for its locked row; returns the
   * object it replaced, if any. A concurrent first insert of the key is waited for and re-checked.
   */
  private Long point(String sha256, String etag, long size) throws SQLException, IOException {
    while (true) {
      Current current = current(true);
      if (current != null && !spec.overwrite()) {
        throw exists();
      }
      if (!spec.precondition().holds(etagOf(current), modifiedOf(current))) {
        throw new PreconditionFailedException(key);
      }
      String sql =
          current == null
              ? "INSERT INTO "
                  + table
                  + " (oid, size, sha256, content_type, etag, last_modified, key)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING"
              : "UPDATE "
                  + table
                  + " SET oid = ?, size = ?, sha256 = ?, content_type = ?, etag = ?,"
                  + " last_modified = ? WHERE key = ?";
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        statement.setLong(1, oid);
        statement.setLong(2, size);
        statement.setString(3, sha256);
        statement.setString(4, spec.contentType());
        statement.setString(5, etag);
        statement.setTimestamp(6, Timestamp.from(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
        statement.setString(7, key);
        if (statement.executeUpdate() == 1) {
          return current == null ? null : current.oid();
        }
      }
      // a concurrent upload inserted the key first: look at its row again
    }
  }

  /** The key's current row. */
  private record Current(long oid, String etag, Instant lastModified) {}

  /** The key's current row (locked for this transaction if {@code lock}); null when none. */
  private Current current(boolean lock) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT oid, etag, last_modified FROM "
                + table
                + " WHERE key = ?"
                + (lock ? " FOR UPDATE" : ""))) {
      select.setString(1, key);
      try (ResultSet row = select.executeQuery()) {
        return row.next()
            ? new Current(row.getLong(1), row.getString(2), row.getTimestamp(3).toInstant())
            : null;
      }
    }
  }

  private static String etagOf(Current current) {
    return current == null ? null : current.etag();
  }

  private static Instant modifiedOf(Current current) {
    return current == null ? null : current.lastModified();
  }

  private FileAlreadyExistsException exists() {
    return new FileAlreadyExistsException(
        key, null, "an object already exists under this key and overwriting is not allowed");
  }

  @Override
  public void discard(Throwable cause) {
    if (!committed) {
      Database.rollbackAndClose(connection, cause);
    }
  }

  @Override
  public String toString() {
    return "postgresql-lo(" + key + ")";
  }
}
