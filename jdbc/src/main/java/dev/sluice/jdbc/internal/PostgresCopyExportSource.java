package dev.sluice.jdbc.internal;

import dev.sluice.core.Source;
import dev.sluice.jdbc.RecordFormat;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Streams a query's rows out of PostgreSQL's {@code COPY (query) TO STDOUT (FORMAT csv)}: as CSV,
 * the server's own bytes handed on as they arrive, with no per-value work in Java; as NDJSON, each
 * CSV row converted to a JSON line in-stream ({@link CopyRowsAsNdjson}). Each {@link #read} fills
 * the caller's buffer from the copy's data messages (one a row), keeping what did not fit of the
 * last row for the next read, so memory is the caller's buffer plus one row.
 *
 * <p>The copy runs in a read-only transaction, as the cursor export does. Closing before the end
 * cancels it: a query cancel (sent on its own connection, so it also ends a read blocked on the
 * server from another thread), then what was already on its way is read up to the cancel's error
 * ({@link CopyOut#cancelCopy} if the server does not stop), then a rollback and the connection's
 * close.
 *
 * <p>{@link #start} returns {@code null} when PostgreSQL refuses the statement before the copy
 * begins (a syntax error, an unknown table, a statement {@code COPY} does not take such as {@code
 * SHOW}): the connection is rolled back and left open, and the caller runs the query through a
 * cursor, which reports the query's problem exactly as it always has.
 */
public final class PostgresCopyExportSource implements Source {

  private static final byte[] NOTHING = new byte[0];

  /** At most this much is read after a cancel, waiting for the server to stop: 16 MiB. */
  private static final long DRAIN_LIMIT = 16L << 20;

  private final Connection connection;
  private final PGConnection postgres;
  private final CopyOut copy;
  private final CopyRowsAsNdjson ndjson; // null: rows are handed on as they come
  private final AtomicBoolean closed = new AtomicBoolean();
  private byte[] row = NOTHING; // the reading thread's: the first rowLength bytes are the row
  private int rowLength; // the reading thread's
  private int position; // the reading thread's
  private volatile boolean ended;

  private PostgresCopyExportSource(
      Connection connection, PGConnection postgres, CopyOut copy, CopyRowsAsNdjson ndjson) {
    this.connection = connection;
    this.postgres = postgres;
    this.copy = copy;
    this.ndjson = ndjson;
  }

  /**
   * {@code COPY (query) TO STDOUT (FORMAT csv[, HEADER])}: a header row of the column names if
   * asked, then one line a row ending in LF; NULL as an unquoted empty field, the empty string as
   * {@code ""}; a value quoted when it holds a comma, a quote, CR or LF, or when it is a lone
   * {@code \.} in a one-column row. The query's trailing semicolons are dropped and a line break
   * closes it, so that a trailing {@code --} comment does not swallow the parenthesis.
   */
  static String csvCopyOf(String query, boolean header) {
    String body = query.strip();
    while (body.endsWith(";")) {
      body = body.substring(0, body.length() - 1).stripTrailing();
    }
    return "COPY (" + body + "\n) TO STDOUT (FORMAT csv" + (header ? ", HEADER)" : ")");
  }

  /**
   * Takes over {@code connection} and starts exporting the rows of {@code query} as {@code format}
   * (CSV with a header row), or returns {@code null}, with the connection rolled back and still
   * open, if PostgreSQL refuses the statement.
   *
   * @throws IOException if the connection fails (it is then closed)
   */
  public static PostgresCopyExportSource start(
      Connection connection, String query, RecordFormat format) throws IOException {
    boolean csv = format == RecordFormat.CSV;
    return open(connection, csvCopyOf(query, csv), csv ? null : query, csv ? 2 : 1);
  }

  /**
   * Takes over {@code connection} and starts {@code copySql}, a {@code COPY … TO STDOUT} whose
   * output is handed on as it comes; {@code null} as {@link #start(Connection, String,
   * RecordFormat)} says.
   */
  public static PostgresCopyExportSource startCopy(Connection connection, String copySql)
      throws IOException {
    return open(connection, copySql, null, 1);
  }

  /**
   * {@code describe}: the query whose columns name and type the NDJSON, or null for raw rows;
   * {@code ahead}: the rows read before returning (the header and the first row), so that a query
   * failing as it starts fails here, as a cursor's first fetch does.
   */
  private static PostgresCopyExportSource open(
      Connection connection, String copySql, String describe, int ahead) throws IOException {
    PGConnection postgres;
    PostgresCopyExportSource source;
    try {
      postgres = connection.unwrap(PGConnection.class);
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET TRANSACTION READ ONLY");
      }
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("query failed", e);
    }
    try {
      CopyRowsAsNdjson ndjson = describe == null ? null : describe(connection, describe);
      if (describe != null && ndjson == null) {
        connection.rollback();
        return null;
      }
      CopyOut copy = postgres.getCopyAPI().copyOut(copySql);
      source = new PostgresCopyExportSource(connection, postgres, copy, ndjson);
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.startsWith("08")) { // connection exception: a cursor would not fare better
        Database.rollbackAndClose(connection, e);
        throw Database.failure("query failed", e);
      }
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
        Database.rollbackAndClose(connection, e);
        throw Database.failure("query failed", e);
      }
      return null;
    } catch (IOException | RuntimeException e) {
      Database.rollbackAndClose(connection, e);
      throw e;
    }
    try {
      source.readAhead(ahead);
    } catch (IOException | RuntimeException e) {
      try {
        source.close(); // cancels the copy (a rollback waits for it) and closes the connection
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return source;
  }

  /** The query's columns, described without running it; null if it returns no rows. */
  private static CopyRowsAsNdjson describe(Connection connection, String query)
      throws SQLException, IOException {
    try (PreparedStatement statement = connection.prepareStatement(query)) {
      ResultSetMetaData meta = statement.getMetaData();
      return meta == null ? null : new CopyRowsAsNdjson(meta);
    }
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    if (closed.get()) {
      throw new IOException("read after close: " + this);
    }
    int start = into.position();
    while (into.hasRemaining()) {
      if (position == rowLength && !nextRow("reading the query's rows failed")) {
        break;
      }
      int n = Math.min(into.remaining(), rowLength - position);
      into.put(row, position, n);
      position += n;
    }
    int read = into.position() - start;
    return read == 0 && ended ? -1 : read;
  }

  /** Reads up to {@code rows} rows into {@link #row}, one after the other. */
  private void readAhead(int rows) throws IOException {
    byte[] ahead = NOTHING;
    for (int i = 0; i < rows && nextRow("query failed"); i++) {
      byte[] joined = Arrays.copyOf(ahead, ahead.length + rowLength);
      System.arraycopy(row, 0, joined, ahead.length, rowLength);
      ahead = joined;
    }
    row = ahead;
    rowLength = ahead.length;
    position = 0;
  }

  /** Blocks for the copy's next row; false at its end. */
  private boolean nextRow(String failure) throws IOException {
    if (ended) {
      return false;
    }
    byte[] next;
    try {
      next = copy.readFromCopy();
    } catch (SQLException e) {
      if (Thread.currentThread().isInterrupted()) {
        InterruptedIOException interrupted =
            new InterruptedIOException("interrupted while reading the query's rows");
        interrupted.initCause(e);
        throw interrupted;
      }
      throw Database.failure(failure, e);
    }
    if (next == null) {
      if (closed.get()) { // the close's cancel ended the copy: its rows are cut short, not all read
        throw new IOException("closed while reading the query's rows: " + this);
      }
      ended = true;
      row = NOTHING;
      rowLength = 0;
      position = 0;
      return false;
    }
    if (ndjson == null) {
      row = next;
      rowLength = next.length;
    } else {
      ndjson.convert(next); // into its own buffer, reused row after row
      row = ndjson.line();
      rowLength = ndjson.size();
    }
    position = 0;
    return true;
  }

  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    IOException failure = new IOException("closing the query's COPY failed");
    if (!ended) {
      try {
        postgres.cancelQuery(); // its own connection: unblocks a read waiting on the server
      } catch (SQLException | RuntimeException e) {
        failure.addSuppressed(e);
      }
      drainCancelled(failure);
    }
    Database.rollbackAndClose(connection, failure);
    if (ended && failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  /**
   * Reads what the server sent before the cancel reached it, up to its error, so that the rollback
   * and the close find the connection in step and the server ends the session cleanly. Should the
   * copy go on past {@link #DRAIN_LIMIT} (the cancel lost), {@link CopyOut#cancelCopy} gives the
   * connection up instead.
   */
  private void drainCancelled(IOException failure) {
    long drained = 0;
    try {
      while (drained < DRAIN_LIMIT) {
        byte[] rest = copy.readFromCopy();
        if (rest == null) {
          return; // it had ended before the cancel
        }
        drained += rest.length;
      }
      copy.cancelCopy();
    } catch (SQLException expected) {
      // the cancel's "canceling statement due to user request", or the reader saw it first
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public String toString() {
    return ndjson == null ? "query(csv, COPY)" : "query(ndjson, COPY)";
  }
}
