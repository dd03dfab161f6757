package dev.sluice.jdbc.internal;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.PreconditionFailedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * Stores one blob as a PostgreSQL large object, hashing it as it goes, in one transaction: commit
 * verifies the expected SHA-256, locks the key's row ({@code FOR UPDATE}), tests the spec's
 * precondition against it, points it at the new object (retiring the object it replaces, see {@link
 * Retired}) and commits; abort rolls back, which also drops the new large object.
 */
public final class LargeObjectSink implements Sink {

  private static final int SCRATCH = 64 * 1024;

  private final Connection connection;
  private final String table;
  private final String key;
  private final BlobSpec spec;
  private final Duration retiredGrace;
  private final MessageDigest digest;
  private final long oid;
  private final LargeObject object;
  private final byte[] scratch = new byte[SCRATCH];
  private final String knownSha256; // an adopted object's hash; null when this sink writes
  private long written;
  private boolean ended;

  /** Takes over {@code connection} and creates the large object. */
  public LargeObjectSink(
      Connection connection, String table, String key, BlobSpec spec, Duration retiredGrace)
      throws IOException {
    this(connection, table, key, spec, retiredGrace, -1, 0, null);
  }

  /**
   * A sink that writes nothing and publishes an existing large object on commit (a resumable
   * upload's): {@code oid} holds {@code size} bytes hashing to {@code sha256}. Takes over {@code
   * connection}; an abort rolls back and leaves the object as it was.
   */
  public static LargeObjectSink adopting(
      Connection connection,
      String table,
      String key,
      BlobSpec spec,
      Duration retiredGrace,
      long oid,
      long size,
      String sha256)
      throws IOException {
    return new LargeObjectSink(connection, table, key, spec, retiredGrace, oid, size, sha256);
  }

  private LargeObjectSink(
      Connection connection,
      String table,
      String key,
      BlobSpec spec,
      Duration retiredGrace,
      long adoptedOid,
      long adoptedSize,
      String knownSha256)
      throws IOException {
    this.knownSha256 = knownSha256;
    this.written = adoptedSize;
    this.connection = connection;
    this.retiredGrace = retiredGrace;
    this.table = table;
    this.key = key;
    this.spec = spec;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
    try {
      connection.setAutoCommit(false);
      Current current = current(false); // an early answer; publish checks again, locked
      if (!spec.overwrite() && current != null) {
        throw exists();
      }
      if (!spec.precondition().holds(etagOf(current), modifiedOf(current))) {
        throw new PreconditionFailedException(key);
      }
      if (knownSha256 != null) {
        oid = adoptedOid;
        object = null;
      } else {
        LargeObjectManager objects = connection.unwrap(PGConnection.class).getLargeObjectAPI();
        oid = objects.createLO(LargeObjectManager.READWRITE);
        object = objects.open(oid, LargeObjectManager.WRITE);
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
    if (ended || object == null) {
      throw new IllegalStateException("the sink for key " + key + " has already ended");
    }
    try {
      while (chunk.hasRemaining()) {
        int n = Math.min(scratch.length, chunk.remaining());
        chunk.get(scratch, 0, n);
        digest.update(scratch, 0, n);
        object.write(scratch, 0, n);
        written += n;
      }
    } catch (SQLException e) {
      throw Database.failure("writing " + key + " failed", e);
    }
  }

  @Override
  public Receipt commit() throws IOException {
    if (ended) {
      throw new IllegalStateException("the sink for key " + key + " has already ended");
    }
    try {
      if (object != null) {
        object.close();
      }
      String sha256 = knownSha256 != null ? knownSha256 : HexFormat.of().formatHex(digest.digest());
      String expected = spec.expectedSha256();
      if (expected != null && !expected.toLowerCase(Locale.ROOT).equals(sha256)) {
        throw new DigestMismatchException("sha256", expected.toLowerCase(Locale.ROOT), sha256);
      }
      String etag = '"' + sha256 + '"';
      Long replaced = publish(sha256, etag);
      if (replaced != null) {
        Retired.retire(connection, table, replaced); // its readers keep reading it for a while
      }
      Retired.sweep(connection, table, retiredGrace);
      connection.commit();
      ended = true;
      connection.close();
      return Receipt.of(table + "/" + key)
          .with("key", key)
          .with("bytes", written)
          .with("sha256", sha256)
          .with("etag", etag)
          .with("contentType", spec.contentType())
          .with("oid", oid);
    } catch (SQLException e) {
      IOException failure = Database.failure("storing " + key + " failed", e);
      abort(failure);
      throw failure;
    } catch (IOException | RuntimeException | Error e) {
      abort(e);
      throw e;
    }
  }

  /**
   * Points the key at the new object, once the precondition holds for its locked row; returns the
   * object it replaced, if any. A concurrent first insert of the key is waited for and re-checked.
   */
  private Long publish(String sha256, String etag) throws SQLException, IOException {
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
        statement.setLong(2, written);
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
  public void abort(Throwable cause) {
    if (!ended) {
      ended = true;
      Database.rollbackAndClose(connection, cause);
    }
  }

  @Override
  public String toString() {
    return "postgresql-lo(" + key + ")";
  }
}
