package dev.sluice.jdbc;

import dev.sluice.core.Receipt;
import dev.sluice.core.upload.AppendLifecycle;
import dev.sluice.core.upload.TrackedAppend;
import dev.sluice.jdbc.internal.Database;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * One append to a PostgreSQL upload: writes at the large object's end on its own connection,
 * committing every {@link PostgresUploadStore#CHECKPOINT_BYTES} and when it ends; a discarded
 * append truncates the object back to where it began (see {@link PostgresUploadStore}).
 */
final class PostgresUploadAppend implements TrackedAppend {

  private static final int SCRATCH = 64 * 1024;

  private final AppendLifecycle lifecycle;
  private final Connection connection;
  private final long oid;
  private final MessageDigest digest;
  private final byte[] scratch = new byte[SCRATCH];
  private boolean digestValid = true;
  private LargeObject object;
  private long position;
  private long sinceCheckpoint;

  PostgresUploadAppend(
      AppendLifecycle lifecycle, Connection connection, long oid, MessageDigest digest)
      throws IOException {
    this.lifecycle = lifecycle;
    this.connection = connection;
    this.oid = oid;
    this.digest = digest;
    this.position = lifecycle.start();
    try {
      connection.setAutoCommit(false);
      open();
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("cannot append to upload " + lifecycle.id(), e);
    }
  }

  private void open() throws SQLException {
    object = PostgresUploadStore.objects(connection).open(oid, LargeObjectManager.WRITE);
    object.seek64(position, LargeObject.SEEK_SET);
  }

  @Override
  public AppendLifecycle lifecycle() {
    return lifecycle;
  }

  private String id() {
    return lifecycle.id();
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    lifecycle.requireWritable(chunk.remaining(), position);
    try {
      while (chunk.hasRemaining()) {
        int n = Math.min(scratch.length, chunk.remaining());
        chunk.get(scratch, 0, n);
        object.write(scratch, 0, n);
        if (digest != null) {
          digest.update(scratch, 0, n);
        }
        position += n;
        sinceCheckpoint += n;
      }
      if (sinceCheckpoint >= PostgresUploadStore.CHECKPOINT_BYTES) {
        object.close();
        connection.commit(); // durable from here, whatever happens to this request
        sinceCheckpoint = 0;
        open();
      }
    } catch (SQLException e) {
      digestValid = false;
      throw Database.failure("appending to upload " + id() + " failed", e);
    }
  }

  @Override
  public Receipt commit() throws IOException {
    lifecycle.requireOpen();
    lifecycle.stopWrites();
    try {
      object.close();
      connection.commit();
      connection.close();
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      lifecycle.end(position, null, false);
      throw Database.failure("appending to upload " + id() + " failed", e);
    }
    lifecycle.end(position, digestValid ? digest : null, false);
    return lifecycle.receipt(position);
  }

  @Override
  public void abort(Throwable cause) {
    if (lifecycle.isEnded()) {
      return;
    }
    lifecycle.stopWrites();
    if (lifecycle.discards(cause)) {
      try {
        object.truncate64(lifecycle.start()); // none of this append's bytes count
        object.close();
        connection.commit();
        connection.close();
        position = lifecycle.start();
        lifecycle.end(position, null, true);
      } catch (SQLException e) {
        cause.addSuppressed(e);
        Database.rollbackAndClose(connection, cause); // only since the last checkpoint
        lifecycle.end(position, null, false);
      }
      return;
    }
    try {
      object.close();
      connection.commit(); // the protocols keep what arrived
      connection.close();
      lifecycle.end(position, digestValid ? digest : null, false);
    } catch (SQLException e) {
      cause.addSuppressed(e);
      Database.rollbackAndClose(connection, cause);
      lifecycle.end(position, null, false);
    }
  }

  @Override
  public String toString() {
    return "postgresql-upload(" + id() + " from " + lifecycle.start() + ")";
  }
}
