package dev.sluice.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The large objects of replaced and deleted versions, kept in {@code TABLE_retired} for a grace
 * period before they are unlinked, so a reader that has just found the old row can still open its
 * object (see {@code PostgresBlobStore}). Every write sweeps what is past the grace, in its own
 * transaction.
 */
public final class Retired {

  private Retired() {}

  /** The retired table of blob table {@code table}. */
  public static String table(String table) {
    return table + "_retired";
  }

  public static void createTable(Statement statement, String table) throws SQLException {
    statement.execute(
        "CREATE TABLE IF NOT EXISTS "
            + table(table)
            + " (oid oid PRIMARY KEY, retired_at timestamptz NOT NULL DEFAULT now())");
  }

  /** Retires {@code oid} in the caller's transaction. */
  public static void retire(Connection connection, String table, long oid) throws SQLException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO " + table(table) + " (oid) VALUES (?) ON CONFLICT DO NOTHING")) {
      insert.setLong(1, oid);
      insert.executeUpdate();
    }
  }

  /**
   * Unlinks, in the caller's transaction, up to 100 objects retired more than {@code grace} ago;
   * one already gone (unlinked by hand, say) is skipped rather than failing the caller's write.
   */
  public static void sweep(Connection connection, String table, Duration grace)
      throws SQLException {
    try (PreparedStatement sweep =
        connection.prepareStatement(
            "WITH expired AS (DELETE FROM "
                + table(table)
                + " WHERE oid IN (SELECT oid FROM "
                + table(table)
                + " WHERE retired_at < now() - ? * interval '1 millisecond'"
                + " LIMIT 100 FOR UPDATE SKIP LOCKED) RETURNING oid)"
                + " SELECT count(lo_unlink(expired.oid)) FROM expired"
                + " JOIN pg_largeobject_metadata m ON m.oid = expired.oid")) {
      sweep.setLong(1, grace.toMillis());
      sweep.execute(); // the count it returns is of no interest
    }
  }
}
