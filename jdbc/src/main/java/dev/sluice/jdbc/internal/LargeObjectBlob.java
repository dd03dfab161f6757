package dev.sluice.jdbc.internal;

import dev.sluice.core.blob.Blob;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * A blob held as a PostgreSQL large object. Each {@link #open} takes its own connection and
 * read-only transaction, seeks with {@code lo_lseek64} and reads at most 64 KiB at a time.
 */
public final class LargeObjectBlob implements Blob {

  private static final int READ_AT_MOST = 64 * 1024;

  private final ConnectionPool connections;
  private final long oid;
  private final long size;
  private final String sha256;
  private final String contentType;
  private final String etag;
  private final Instant lastModified;

  public LargeObjectBlob(
      ConnectionPool connections,
      long oid,
      long size,
      String sha256,
      String contentType,
      String etag,
      Instant lastModified) {
    this.connections = connections;
    this.oid = oid;
    this.size = size;
    this.sha256 = sha256;
    this.contentType = contentType;
    this.etag = etag;
    this.lastModified = lastModified;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public String etag() {
    return etag;
  }

  @Override
  public Instant lastModified() {
    return lastModified;
  }

  @Override
  public String contentType() {
    return contentType;
  }

  @Override
  public Optional<String> sha256() {
    return Optional.of(sha256);
  }

  @Override
  public ReadableByteChannel open(long offset, long length) throws IOException {
    Blob.checkRegion(offset, length, size);
    Connection connection = connections.take();
    try {
      connection.setAutoCommit(false);
      LargeObject object =
          connection
              .unwrap(PGConnection.class)
              .getLargeObjectAPI()
              .open(oid, LargeObjectManager.READ);
      object.seek64(offset, LargeObject.SEEK_SET);
      return new Channel(connection, object, length);
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("cannot read large object " + oid, e);
    }
  }

  @Override
  public String toString() {
    return "postgresql-lo(" + oid + ", " + size + " bytes)";
  }

  private static final class Channel implements ReadableByteChannel {
    private final Connection connection;
    private final LargeObject object;
    private final byte[] scratch;
    private long remaining;
    private boolean open = true;

    Channel(Connection connection, LargeObject object, long length) {
      this.connection = connection;
      this.object = object;
      this.remaining = length;
      this.scratch = new byte[(int) Math.min(READ_AT_MOST, Math.max(1, length))];
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
      if (!open) {
        throw new ClosedChannelException();
      }
      if (remaining == 0) {
        return -1;
      }
      int wanted = (int) Math.min(remaining, Math.min(into.remaining(), scratch.length));
      try {
        int n = object.read(scratch, 0, wanted);
        if (n <= 0) {
          throw new IOException("large object ended " + remaining + " bytes early");
        }
        into.put(scratch, 0, n);
        remaining -= n;
        return n;
      } catch (SQLException e) {
        throw Database.failure("reading a large object failed", e);
      }
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      if (!open) {
        return;
      }
      open = false;
      Database.rollbackAndClose(connection, new IOException("closing a large object"));
    }
  }
}
