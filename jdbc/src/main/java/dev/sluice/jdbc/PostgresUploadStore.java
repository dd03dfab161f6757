package dev.sluice.jdbc;

import dev.sluice.core.Receipt;
import dev.sluice.core.blob.BlobSink;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.upload.AppendTracker;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadAppend;
import dev.sluice.core.upload.UploadPreconditions;
import dev.sluice.core.upload.UploadStore;
import dev.sluice.jdbc.internal.ConnectionPool;
import dev.sluice.jdbc.internal.Database;
import dev.sluice.jdbc.internal.LargeObjectWriter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * Resumable uploads into a {@link PostgresBlobStore}: each upload is a large object appended at its
 * offset, and a row of {@code TABLE_uploads} (the upload and the object's oid). The offset is the
 * object's size, as committed: an append commits every {@value #CHECKPOINT_BYTES} bytes and when it
 * ends, so a killed server loses at most the last checkpoint's worth, and any process resumes.
 * Completion points the key's row at the object in the blob store's own publishing transaction (the
 * manifest swaps in, as a plain upload's does); a checksum mismatch truncates the object back to
 * where the append began. It takes its connections from the blob store's pool: close that store,
 * not this one. Thread-safe.
 */
public final class PostgresUploadStore implements UploadStore {

  /** Bytes an append writes between commits. */
  static final int CHECKPOINT_BYTES = 8 << 20;

  private final ConnectionPool connections;
  private final String table;
  private final String uploads;
  private final Duration retiredGrace;
  private final Clock clock;
  private final AppendTracker appends = new AppendTracker();

  record Row(Upload upload, long oid) {}

  PostgresUploadStore(ConnectionPool connections, String table, Duration retiredGrace, Clock clock)
      throws IOException {
    this.connections = connections;
    this.table = table;
    this.uploads = table + "_uploads";
    this.retiredGrace = retiredGrace;
    this.clock = clock;
    try (Connection connection = connections.take();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + uploads
              + " (id text PRIMARY KEY, oid oid NOT NULL, upload text NOT NULL)");
    } catch (SQLException e) {
      throw Database.failure("cannot create the upload table " + uploads, e);
    }
  }

  @Override
  public Upload create(NewUpload spec) throws IOException {
    Upload upload = Upload.of(spec, clock.instant());
    String id = upload.id();
    try (Connection connection = connections.take()) {
      connection.setAutoCommit(false);
      long oid = objects(connection).createLO(LargeObjectManager.READWRITE);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO " + uploads + " (id, oid, upload) VALUES (?, ?, ?)")) {
        insert.setString(1, id);
        insert.setLong(2, oid);
        insert.setString(3, text(upload));
        insert.executeUpdate();
      }
      connection.commit();
    } catch (SQLException e) {
      throw Database.failure("cannot create an upload", e);
    }
    return upload;
  }

  @Override
  public Optional<Upload> find(String id) throws IOException {
    return row(id).map(Row::upload);
  }

  Optional<Row> row(String id) throws IOException {
    if (!Upload.isId(id)) {
      return Optional.empty();
    }
    try (Connection connection = connections.take()) {
      connection.setAutoCommit(false);
      try (PreparedStatement select =
          connection.prepareStatement("SELECT oid, upload FROM " + uploads + " WHERE id = ?")) {
        select.setString(1, id);
        try (ResultSet row = select.executeQuery()) {
          if (!row.next()) {
            return Optional.empty();
          }
          long oid = row.getLong(1);
          Properties p = properties(row.getString(2));
          Optional<Upload> recorded = Upload.fromProperties(p, 0);
          if (recorded.isEmpty() || recorded.get().complete()) {
            return recorded.map(u -> new Row(u, oid));
          }
          long size;
          LargeObject object = objects(connection).open(oid, LargeObjectManager.READ);
          try {
            size = object.size64();
          } finally {
            object.close();
          }
          connection.commit();
          return Upload.fromProperties(p, size).map(u -> new Row(u, oid));
        }
      }
    } catch (SQLException e) {
      throw Database.failure("cannot read upload " + id, e);
    }
  }

  @Override
  public Optional<Upload> recorded(String id) throws IOException {
    if (!Upload.isId(id)) {
      return Optional.empty();
    }
    try (Connection connection = connections.take();
        PreparedStatement select =
            connection.prepareStatement("SELECT upload FROM " + uploads + " WHERE id = ?")) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next()
            ? Upload.fromProperties(properties(row.getString(1)), 0)
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw Database.failure("cannot read upload " + id, e);
    }
  }

  @Override
  public Optional<Upload> settle(String id) throws IOException {
    return appends.settle(id, () -> find(id));
  }

  @Override
  public UploadAppend append(String id, long offset) throws IOException {
    return appends.exclusive(
        id,
        () -> {
          Row row = existing(id);
          Upload upload = row.upload();
          UploadPreconditions.requireAppendable(upload, offset);
          MessageDigest digest = appends.digestAt(id, offset);
          PostgresUploadAppend append =
              new PostgresUploadAppend(
                  appends.lifecycle(id, offset, upload.length()),
                  connections.take(),
                  row.oid(),
                  digest);
          appends.started(append.lifecycle());
          return append;
        });
  }

  @Override
  public Upload declareLength(String id, long length) throws IOException {
    return appends.exclusive(
        id,
        () -> {
          Upload upload = existing(id).upload();
          if (!UploadPreconditions.needsDeclaring(upload, length)) {
            return upload;
          }
          Upload declared = upload.withLength(length);
          update(declared);
          return declared;
        });
  }

  @Override
  public Receipt complete(String id) throws IOException {
    return appends.exclusive(
        id,
        () -> {
          Row row = existing(id);
          Upload upload = row.upload();
          UploadPreconditions.requireCompletable(upload);
          byte[] running = appends.takeDigest(id, upload.offset());
          String sha256 =
              HexFormat.of().formatHex(running != null ? running : hashObject(row.oid()));
          Receipt receipt;
          try {
            receipt =
                BlobSink.of(
                        LargeObjectWriter.adopting(
                            connections.take(),
                            table,
                            upload.key(),
                            new BlobSpec(
                                upload.contentType(), upload.overwrite(), upload.expectedSha256()),
                            retiredGrace,
                            row.oid()),
                        upload.expectedSha256())
                    .commitWritten(sha256, upload.offset());
          } catch (IOException | RuntimeException e) {
            discard(id);
            throw e;
          }
          update(upload.completed(sha256)); // the object is the blob's now
          return receipt.with("upload", id).with("offset", upload.offset());
        });
  }

  private byte[] hashObject(long oid) throws IOException {
    MessageDigest digest = AppendTracker.sha256();
    byte[] buffer = new byte[64 * 1024];
    try (Connection connection = connections.take()) {
      connection.setAutoCommit(false);
      LargeObject object = objects(connection).open(oid, LargeObjectManager.READ);
      try {
        int n;
        while ((n = object.read(buffer, 0, buffer.length)) > 0) {
          digest.update(buffer, 0, n);
        }
      } finally {
        object.close();
      }
      connection.commit();
    } catch (SQLException e) {
      throw Database.failure("cannot read large object " + oid, e);
    }
    return digest.digest();
  }

  @Override
  public boolean cancel(String id) throws IOException {
    return appends.cancel(id, () -> discard(id));
  }

  /** Deletes the upload's row, and its object unless a blob row now points at it. */
  private boolean discard(String id) throws IOException {
    appends.forget(id);
    try (Connection connection = connections.take()) {
      connection.setAutoCommit(false);
      Long oid = null;
      try (PreparedStatement delete =
          connection.prepareStatement("DELETE FROM " + uploads + " WHERE id = ? RETURNING oid")) {
        delete.setString(1, id);
        try (ResultSet row = delete.executeQuery()) {
          if (row.next()) {
            oid = row.getLong(1);
          }
        }
      }
      if (oid != null) {
        try (PreparedStatement unlink =
            connection.prepareStatement(
                "SELECT lo_unlink(?) WHERE NOT EXISTS (SELECT 1 FROM "
                    + table
                    + " WHERE oid = ?)"
                    + " AND EXISTS (SELECT 1 FROM pg_largeobject_metadata WHERE oid = ?)")) {
          unlink.setLong(1, oid);
          unlink.setLong(2, oid);
          unlink.setLong(3, oid);
          unlink.execute();
        }
      }
      connection.commit();
      return oid != null;
    } catch (SQLException e) {
      throw Database.failure("cannot cancel upload " + id, e);
    }
  }

  @Override
  public List<Upload> list() throws IOException {
    List<String> ids = new ArrayList<>();
    try (Connection connection = connections.take();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id FROM " + uploads)) {
      while (rows.next()) {
        ids.add(rows.getString(1));
      }
    } catch (SQLException e) {
      throw Database.failure("cannot list uploads", e);
    }
    List<Upload> all = new ArrayList<>();
    for (String id : ids) {
      find(id).ifPresent(all::add);
    }
    return all;
  }

  @Override
  public String toString() {
    return "PostgresUploadStore(" + uploads + ")";
  }

  private void update(Upload upload) throws IOException {
    try (Connection connection = connections.take();
        PreparedStatement statement =
            connection.prepareStatement("UPDATE " + uploads + " SET upload = ? WHERE id = ?")) {
      statement.setString(1, text(upload));
      statement.setString(2, upload.id());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw Database.failure("cannot update upload " + upload.id(), e);
    }
  }

  private Row existing(String id) throws IOException {
    return row(id).orElseThrow(() -> UploadPreconditions.notFound(id));
  }

  static LargeObjectManager objects(Connection connection) throws SQLException {
    return connection.unwrap(PGConnection.class).getLargeObjectAPI();
  }

  private static String text(Upload upload) {
    StringWriter out = new StringWriter();
    try {
      upload.toProperties().store(out, null);
    } catch (IOException e) {
      throw new IllegalStateException("writing to a string failed", e);
    }
    return out.toString();
  }

  private static Properties properties(String text) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(text));
    return p;
  }
}
