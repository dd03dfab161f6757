package dev.sluice.jdbc.internal;

import dev.sluice.core.Receipt;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Feeds bytes to a PostgreSQL {@code COPY … FROM STDIN} chunk by chunk, in one transaction: commit
 * ends the copy and commits, abort cancels the copy and rolls back (a {@code CREATE TABLE} in the
 * same transaction included). The copy starts when {@link #start} is called, which the stage in
 * front does once it knows the columns. Error messages name the table, never the database's
 * location.
 */
public final class PostgresCopySink implements BulkLoader {

  private final Connection connection;
  private final String location;
  private final String target;
  private long expectedRows = -1;
  private ArrayWrites writes;
  private CopyIn copy;
  private boolean ended;

  /** Takes over {@code connection}, which must not be in auto-commit mode. */
  public PostgresCopySink(Connection connection, String location, String table) {
    this.connection = connection;
    this.location = location;
    this.target = "table " + table;
  }

  @Override
  public void expectRows(long rows) {
    this.expectedRows = rows;
  }

  /** Starts the copy, e.g. {@code COPY events (a, b) FROM STDIN WITH (FORMAT csv)}. */
  @Override
  public void start(String copySql) throws IOException {
    if (copy != null) {
      throw new IllegalStateException("the copy into " + target + " has already started");
    }
    try {
      copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
    } catch (SQLException e) {
      throw Database.failure("COPY into " + target + " failed", e);
    }
  }

  public Connection connection() {
    return connection;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (copy == null) {
      throw new IllegalStateException("write before the copy into " + target + " started");
    }
    try {
      if (writes == null) {
        writes = new ArrayWrites(copy::writeToCopy);
      }
      writes.write(chunk);
    } catch (SQLException e) {
      throw Database.failure("COPY into " + target + " failed", e);
    }
  }

  @Override
  public Receipt commit() throws IOException {
    if (ended) {
      throw new IllegalStateException("the copy into " + target + " has already ended");
    }
    try {
      long rows = copy == null ? 0 : copy.endCopy();
      copy = null;
      if (expectedRows >= 0 && rows != expectedRows) {
        IOException failure =
            new IOException(
                "COPY into "
                    + target
                    + " took "
                    + rows
                    + " of the "
                    + expectedRows
                    + " rows sent; nothing was stored");
        abort(failure);
        throw failure;
      }
      connection.commit();
      ended = true;
      connection.close();
      return Receipt.of(location).with("rows", rows);
    } catch (SQLException e) {
      IOException failure = Database.failure("COPY into " + target + " failed", e);
      abort(failure);
      throw failure;
    } catch (RuntimeException | Error e) {
      abort(e);
      throw e;
    }
  }

  @Override
  public void abort(Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    try {
      if (copy != null && copy.isActive()) {
        copy.cancelCopy();
      }
    } catch (SQLException | RuntimeException e) {
      cause.addSuppressed(e);
    }
    Database.rollbackAndClose(connection, cause);
  }

  @Override
  public String toString() {
    return "postgresql-copy(" + location + ")";
  }
}
