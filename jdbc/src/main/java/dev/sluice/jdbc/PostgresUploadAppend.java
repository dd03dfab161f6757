package dev.sluice.jdbc;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.LimitExceededException;
import dev.sluice.core.Receipt;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadAppend;
import dev.sluice.jdbc.internal.Database;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * One append to a PostgreSQL upload: writes at the large object's end on its own connection,
 * committing every {@link PostgresUploadStore#CHECKPOINT_BYTES} and when it ends; a discarded
 * append truncates the object back to where it began (see {@link PostgresUploadStore}).
 */
final class PostgresUploadAppend implements UploadAppend {

  private static final int SCRATCH = 64 * 1024;

  private final PostgresUploadStore store;
  private final Connection connection;
  private final Upload upload;
  private final long oid;
  private final MessageDigest digest;
  private final byte[] scratch = new byte[SCRATCH];
  private final CountDownLatch ended = new CountDownLatch(1);
  private final List<Runnable> onSuperseded = new CopyOnWriteArrayList<>();
  private volatile boolean superseded;
  private boolean discardOnAbort;
  private boolean digestValid = true;
  private LargeObject object;
  private long position;
  private long sinceCheckpoint;
  private boolean done;

  PostgresUploadAppend(
      PostgresUploadStore store,
      Connection connection,
      Upload upload,
      long oid,
      MessageDigest digest)
      throws IOException {
    this.store = store;
    this.connection = connection;
    this.upload = upload;
    this.oid = oid;
    this.digest = digest;
    this.position = upload.offset();
    try {
      connection.setAutoCommit(false);
      open();
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("cannot append to upload " + upload.id(), e);
    }
  }

  private void open() throws SQLException {
    object = PostgresUploadStore.objects(connection).open(oid, LargeObjectManager.WRITE);
    object.seek64(position, LargeObject.SEEK_SET);
  }

  String id() {
    return upload.id();
  }

  @Override
  public long startOffset() {
    return upload.offset();
  }

  @Override
  public void onSuperseded(Runnable action) {
    onSuperseded.add(action);
    if (superseded) {
      action.run();
    }
  }

  @Override
  public void discardOnAbort() {
    discardOnAbort = true;
  }

  void supersede() {
    if (superseded) {
      return;
    }
    superseded = true;
    for (Runnable action : onSuperseded) {
      action.run();
    }
  }

  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (done) {
      throw new IllegalStateException("the append to upload " + id() + " has already ended");
    }
    if (superseded) {
      throw new IOException("a newer request to upload " + id() + " ended this one");
    }
    long length = upload.length();
    if (length != Upload.UNKNOWN_LENGTH && chunk.remaining() > length - position) {
      throw new LimitExceededException("the data sent for upload " + id(), length);
    }
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
    if (done) {
      throw new IllegalStateException("the append to upload " + id() + " has already ended");
    }
    done = true;
    try {
      object.close();
      connection.commit();
      connection.close();
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      end(null, false);
      throw Database.failure("appending to upload " + id() + " failed", e);
    }
    end(digestValid ? digest : null, false);
    return Receipt.of("upload " + id()).with("upload", id()).with("offset", position);
  }

  private void end(MessageDigest covering, boolean discarded) {
    if (ended.getCount() == 0) {
      return;
    }
    store.ended(this, position, covering, discarded);
    ended.countDown();
  }

  @Override
  public void abort(Throwable cause) {
    if (ended.getCount() == 0) {
      return;
    }
    done = true;
    if (discardOnAbort || isDigestMismatch(cause)) {
      try {
        object.truncate64(upload.offset()); // none of this append's bytes count
        object.close();
        connection.commit();
        connection.close();
        position = upload.offset();
        end(null, true);
      } catch (SQLException e) {
        cause.addSuppressed(e);
        Database.rollbackAndClose(connection, cause); // only since the last checkpoint
        end(null, false);
      }
      return;
    }
    try {
      object.close();
      connection.commit(); // the protocols keep what arrived
      connection.close();
      end(digestValid ? digest : null, false);
    } catch (SQLException e) {
      cause.addSuppressed(e);
      Database.rollbackAndClose(connection, cause);
      end(null, false);
    }
  }

  private static boolean isDigestMismatch(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof DigestMismatchException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "postgresql-upload(" + id() + " from " + upload.offset() + ")";
  }
}
