package dev.sluice.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.core.Secrets;
import dev.sluice.core.blob.StoreUnavailableException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The connections of one store's database, kept open between operations (HikariCP): an operation
 * takes one and gives it back by closing it, rolled back if it left a transaction open. Opening a
 * PostgreSQL connection forks a server process and authenticates, milliseconds where a short query
 * takes a tenth of one, so a store that opened one per operation paid that on every look-up.
 *
 * <p>At most {@code max} are open; a transfer holds one for as long as it runs, so the next beyond
 * that waits for one to come back, and fails with {@link StoreUnavailableException} if none does in
 * time. Idle ones beyond the first close after a minute. Thread-safe; the store that opens it
 * closes it.
 */
public final class ConnectionPool implements AutoCloseable {

  private final HikariDataSource pool;
  private final String url;
  private final int max;
  private final Duration wait;

  private ConnectionPool(HikariDataSource pool, String url, int max, Duration wait) {
    this.pool = pool;
    this.url = url;
    this.max = max;
    this.wait = wait;
  }

  /**
   * A pool of at most {@code max} connections to {@code url}, named {@code name} in its threads,
   * whose {@link #take} waits up to {@code wait} (at least 250 ms, HikariCP's floor, as the store's
   * builder checks) for one. It connects as connections are taken, and keeps one idle in the
   * background; a database that does not answer fails the first {@link #take}, not this.
   */
  public static ConnectionPool open(String url, String name, int max, Duration wait) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName(name);
    config.setMaximumPoolSize(max);
    config.setMinimumIdle(1);
    config.setIdleTimeout(Duration.ofMinutes(1).toMillis());
    config.setConnectionTimeout(wait.toMillis());
    // a borrowed idle connection's liveness check fits in the wait (HikariCP's default is 5 s)
    config.setValidationTimeout(Math.min(Duration.ofSeconds(5).toMillis(), wait.toMillis()));
    config.setInitializationFailTimeout(-1); // the store's first statement fails, with its message
    return new ConnectionPool(new HikariDataSource(config), url, max, wait);
  }

  /**
   * A connection of the pool; closing it gives it back.
   *
   * @throws StoreUnavailableException when none came within the wait: all busy, or the database did
   *     not answer (the cause says which, with the database's own message)
   */
  public Connection take() throws StoreUnavailableException {
    try {
      return pool.getConnection();
    } catch (SQLException e) {
      throw new StoreUnavailableException(
          "the store's database gave no connection within " + waitText(),
          new IOException(
              "no connection to "
                  + Database.redact(url)
                  + " within "
                  + waitText()
                  + " (at most "
                  + max
                  + " open): "
                  + Secrets.redact(reason(e)),
              e));
    }
  }

  private String waitText() {
    return wait.toMillis() % 1000 == 0 ? wait.toSeconds() + " s" : wait.toMillis() + " ms";
  }

  /** Why no connection came: the database's own failure where there was one. */
  private static String reason(SQLException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return String.valueOf(cause.getMessage());
  }

  /** Closes every connection, aborting one still in use. */
  @Override
  public void close() {
    pool.close();
  }
}
