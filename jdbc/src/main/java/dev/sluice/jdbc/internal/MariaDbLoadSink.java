package dev.sluice.jdbc.internal;

import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Receipt;
import dev.sluice.core.job.ChunkPipe;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Feeds bytes to MariaDB's {@code LOAD DATA LOCAL INFILE} with no temporary file: the statement
 * runs on its own virtual thread and reads the stream through a {@link ChunkPipe} (the driver's
 * {@code setLocalInfileInputStream}), while {@link #write} copies chunks into the pipe: at most
 * {@code PIPE_CHUNKS} chunks of {@code CHUNK_BYTES} wait for the driver. One transaction: commit
 * ends the stream, waits for the statement and commits; abort fails the stream and rolls back.
 *
 * <p>{@code LOAD DATA LOCAL} turns data errors into warnings and carries on (the server cannot stop
 * the client's stream), so a value it truncated or could not convert would be committed changed:
 * any warning therefore fails the load, naming the first, and nothing is committed. Error messages
 * name the table, never the database's location.
 */
public final class MariaDbLoadSink implements BulkLoader {

  private static final int PIPE_CHUNKS = 4;
  private static final int CHUNK_BYTES = 256 * 1024;

  private final Connection connection;
  private final String location;
  private final String target;
  private long expectedRows = -1;
  private final ChunkPipe pipe;
  private CompletableFuture<Long> load;
  private boolean ended;

  /** Takes over {@code connection}, which must not be in auto-commit mode. */
  public MariaDbLoadSink(Connection connection, String location, String table) {
    this.connection = connection;
    this.location = location;
    this.target = "table " + table;
    this.pipe = new ChunkPipe("the LOAD DATA stream into " + target, PIPE_CHUNKS);
  }

  @Override
  public void expectRows(long rows) {
    this.expectedRows = rows;
  }

  public Connection connection() {
    return connection;
  }

  /** Starts the statement, e.g. {@code LOAD DATA LOCAL INFILE 'stream' INTO TABLE …}. */
  @Override
  public void start(String loadSql) throws IOException {
    if (load != null) {
      throw new IllegalStateException("the load into " + target + " has already started");
    }
    Statement statement;
    try {
      statement = connection.createStatement();
      statement
          .unwrap(org.mariadb.jdbc.Statement.class)
          .setLocalInfileInputStream(new StreamToDriver());
    } catch (SQLException e) {
      throw Database.failure("LOAD DATA into " + target + " failed", e);
    }
    CompletableFuture<Long> result = new CompletableFuture<>();
    load = result;
    Thread.ofVirtual()
        .name("sluice-load-data")
        .start(
            () -> {
              try (statement) {
                long rows = statement.executeLargeUpdate(loadSql);
                SQLWarning warning = statement.getWarnings();
                if (warning != null) {
                  result.completeExceptionally(
                      new InvalidInputException(
                          "LOAD DATA into "
                              + target
                              + " changed or refused a value ("
                              + warning.getMessage()
                              + "); nothing was stored"));
                } else {
                  result.complete(rows);
                }
              } catch (Throwable e) {
                result.completeExceptionally(e);
              } finally {
                pipe.cancel( // the writer's next call fails: nobody reads any more
                    result.isCompletedExceptionally()
                        ? result.exceptionNow()
                        : new IllegalStateException("the load ended early"));
              }
            });
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (load == null) {
      throw new IllegalStateException("write before the load into " + target + " started");
    }
    try {
      copyIntoPipe(chunk);
    } catch (IOException e) {
      if (load.isCompletedExceptionally() && load.exceptionNow() instanceof SQLException sql) {
        throw Database.failure("LOAD DATA into " + target + " failed", sql);
      }
      if (load.isCompletedExceptionally()
          && load.exceptionNow() instanceof InvalidInputException invalid) {
        throw invalid;
      }
      throw e;
    }
  }

  private void copyIntoPipe(ByteBuffer chunk) throws IOException {
    while (chunk.hasRemaining()) {
      ByteBuffer copy = pipe.claim();
      if (copy == null) {
        copy = ByteBuffer.allocate(CHUNK_BYTES);
      }
      int n = Math.min(copy.remaining(), chunk.remaining());
      copy.put(chunk.slice(chunk.position(), n));
      chunk.position(chunk.position() + n);
      pipe.push(copy.flip());
    }
  }

  @Override
  public Receipt commit() throws IOException {
    if (ended) {
      throw new IllegalStateException("the load into " + target + " has already ended");
    }
    try {
      long rows = 0;
      if (load != null) {
        pipe.close();
        rows = awaitLoad();
      }
      if (expectedRows >= 0 && rows != expectedRows) {
        throw new IOException(
            "LOAD DATA into "
                + target
                + " took "
                + rows
                + " of the "
                + expectedRows
                + " rows sent; nothing was stored");
      }
      connection.commit();
      ended = true;
      connection.close();
      return Receipt.of(location).with("rows", rows);
    } catch (SQLException e) {
      IOException failure = Database.failure("LOAD DATA into " + target + " failed", e);
      abort(failure);
      throw failure;
    } catch (IOException | RuntimeException | Error e) {
      abort(e);
      throw e;
    }
  }

  private long awaitLoad() throws IOException, SQLException {
    try {
      return load.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for LOAD DATA");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      if (e.getCause() instanceof InvalidInputException invalid) {
        throw invalid;
      }
      throw new IOException("LOAD DATA into " + target + " failed", e.getCause());
    }
  }

  @Override
  public void abort(Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    if (load != null) {
      pipe.fail(cause);
      awaitQuietly(cause);
    }
    Database.rollbackAndClose(connection, cause);
  }

  /** Waits for the statement to end (it does once the pipe fails), even if interrupted. */
  private void awaitQuietly(Throwable cause) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (!load.isDone() && System.nanoTime() < deadline) {
      try {
        load.handle((rows, failure) -> null).get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        // keep waiting until done or the deadline
      }
    }
    if (!load.isDone()) {
      cause.addSuppressed(new IOException("LOAD DATA did not stop within 30 s of the abort"));
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "mariadb-load-data(" + location + ")";
  }

  /** The pipe's reading side, as the driver reads the stream: on the statement's thread. */
  private final class StreamToDriver extends InputStream {

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      return length == 0 ? 0 : pipe.read(ByteBuffer.wrap(into, offset, length));
    }
  }
}
