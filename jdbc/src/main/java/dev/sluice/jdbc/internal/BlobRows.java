package dev.sluice.jdbc.internal;

import dev.sluice.core.blob.BlobEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The rows of a blob table in key order, read through a server-side cursor ({@link #FETCH_SIZE}
 * rows at a time) on a connection of their own, which closing the stream closes. Keys compare
 * {@code COLLATE "C"} (by UTF-8 byte), which the table's {@code _key_c} index serves.
 */
public final class BlobRows implements Iterator<BlobEntry> {

  /** Rows fetched per round trip. */
  static final int FETCH_SIZE = 500;

  private final Connection connection;
  private final ResultSet rows;
  private final String prefix;
  private BlobEntry next;
  private boolean done;

  private BlobRows(Connection connection, ResultSet rows, String prefix) {
    this.connection = connection;
    this.rows = rows;
    this.prefix = prefix;
  }

  /** The index that keyset listing walks; created with the table. */
  public static String createIndex(String table) {
    return "CREATE INDEX IF NOT EXISTS " + table + "_key_c ON " + table + " (key COLLATE \"C\")";
  }

  /**
   * The blobs of {@code table} whose keys start with {@code prefix} and sort after {@code after}.
   */
  public static Stream<BlobEntry> list(
      ConnectionPool connections, String table, String prefix, String after) throws IOException {
    Connection connection = connections.take();
    try {
      connection.setAutoCommit(false); // PostgreSQL uses a cursor only inside a transaction
      PreparedStatement select =
          connection.prepareStatement(
              "SELECT key, size, etag, last_modified, content_type FROM "
                  + table
                  + " WHERE key COLLATE \"C\" >= ? AND key COLLATE \"C\" > ?"
                  + " ORDER BY key COLLATE \"C\"");
      select.setFetchSize(FETCH_SIZE);
      select.setString(1, prefix);
      select.setString(2, after);
      BlobRows rows = new BlobRows(connection, select.executeQuery(), prefix);
      return StreamSupport.stream(
              Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED | Spliterator.NONNULL),
              false)
          .onClose(rows::close);
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("cannot list " + table, e);
    }
  }

  @Override
  public boolean hasNext() {
    if (next == null && !done) {
      try {
        // rows come in key order: the first one past the prefix ends the listing
        if (rows.next() && rows.getString(1).startsWith(prefix)) {
          next =
              new BlobEntry(
                  rows.getString(1),
                  rows.getLong(2),
                  rows.getString(3),
                  rows.getTimestamp(4).toInstant(),
                  rows.getString(5));
        } else {
          done = true;
        }
      } catch (SQLException e) {
        done = true;
        throw new UncheckedIOException(Database.failure("cannot read the listing", e));
      }
    }
    return next != null;
  }

  @Override
  public BlobEntry next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    BlobEntry entry = next;
    next = null;
    return entry;
  }

  private void close() {
    done = true;
    try {
      connection.rollback(); // read only: nothing to keep
    } catch (SQLException e) {
      // closing anyway
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // nothing more to release
    }
  }
}
