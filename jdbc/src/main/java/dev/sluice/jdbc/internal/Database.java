package dev.sluice.jdbc.internal;

import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Secrets;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Connections, identifier quoting, table look-up and creation, error translation. */
public final class Database {

  private Database() {}

  /**
   * Opens a connection; MariaDB URLs get {@code allowLocalInfile=true} unless they say otherwise.
   */
  public static Connection connect(String url) throws IOException {
    String effective = url;
    if (isMariaDb(url) && !url.contains("allowLocalInfile")) {
      effective = url + (url.contains("?") ? "&" : "?") + "allowLocalInfile=true";
    }
    try {
      return DriverManager.getConnection(effective);
    } catch (SQLException e) {
      throw new IOException("cannot connect to " + redact(url) + ": " + e.getMessage(), e);
    }
  }

  public static boolean isPostgres(String url) {
    return url.startsWith("jdbc:postgresql:");
  }

  public static boolean isMariaDb(String url) {
    return url.startsWith("jdbc:mariadb:");
  }

  /** The URL with its credentials masked, by the one rule of {@link Secrets#redact}. */
  public static String redact(String url) {
    return Secrets.redact(url);
  }

  /** Quotes a column name with the database's identifier quote, doubling quotes inside. */
  public static String quote(Connection connection, String name) throws SQLException {
    String q = connection.getMetaData().getIdentifierQuoteString().trim();
    if (q.isEmpty()) {
      return name;
    }
    return q + name.replace(q, q + q) + q;
  }

  /** The table's column names in order, or empty if there is no such table. */
  public static Optional<List<String>> columns(Connection connection, String table)
      throws SQLException {
    Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
    try (Statement statement = connection.createStatement();
        ResultSet empty = statement.executeQuery("SELECT * FROM " + table + " WHERE 1=0")) {
      ResultSetMetaData meta = empty.getMetaData();
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        names.add(meta.getColumnName(i));
      }
      if (savepoint != null) {
        connection.releaseSavepoint(savepoint);
      }
      return Optional.of(names);
    } catch (SQLException e) {
      if (savepoint != null) {
        connection.rollback(savepoint);
      }
      if (isMissingTable(e)) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static boolean isMissingTable(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    return state.equals("42P01") // PostgreSQL undefined_table
        || state.equals("42S02") // MariaDB, H2: table not found
        || e.getErrorCode() == 1146 // MariaDB
        || e.getErrorCode() == 42102 // H2
        || e.getErrorCode() == 42104; // H2, when the database has no tables at all
  }

  /** The error for a table that does not exist. */
  public static dev.sluice.jdbc.NoSuchTableException noTable(dev.sluice.jdbc.TableLoad load) {
    return new dev.sluice.jdbc.NoSuchTableException(
        load.table(),
        "no table "
            + load.table()
            + (load.format() == dev.sluice.jdbc.RecordFormat.CSV
                ? " (create-table creates it from the CSV header)"
                : ""));
  }

  /**
   * Creates {@code table} with one text column per name (MariaDB's in {@code utf8mb4}, so that any
   * Unicode text fits).
   */
  public static void createTextTable(Connection connection, String table, List<String> columns)
      throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
    String type =
        product.contains("postgres")
            ? "text"
            : product.contains("maria") || product.contains("mysql")
                ? "TEXT CHARACTER SET utf8mb4"
                : product.contains("h2") ? "VARCHAR" : "VARCHAR(4000)";
    StringBuilder sql = new StringBuilder("CREATE TABLE ").append(table).append(" (");
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(quote(connection, columns.get(i))).append(' ');
      sql.append(type);
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql.append(')').toString());
    }
  }

  /**
   * Matches input column names to the table's columns: exactly, else ignoring case.
   *
   * @throws InvalidInputException naming the column that matches none
   */
  public static List<String> match(List<String> input, List<String> table, String tableName)
      throws InvalidInputException {
    List<String> matched = new ArrayList<>();
    for (String name : input) {
      String column = table.contains(name) ? name : null;
      if (column == null) {
        for (String candidate : table) {
          if (candidate.equalsIgnoreCase(name)) {
            column = candidate;
            break;
          }
        }
      }
      if (column == null) {
        throw new InvalidInputException(
            "CSV line 1: column '"
                + name
                + "' is not in table "
                + tableName
                + " (columns: "
                + String.join(", ", table)
                + ")");
      }
      matched.add(column);
    }
    return matched;
  }

  /**
   * Translates a failure of the database: a data error (SQLSTATE class 22 or 23) is the input's
   * fault and becomes an {@link InvalidInputException}; anything else an {@link IOException}.
   */
  public static IOException failure(String context, SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = context + ": " + e.getMessage();
    if (state.startsWith("22") || state.startsWith("23")) {
      return new InvalidInputException(message, e);
    }
    return new IOException(message, e);
  }

  /**
   * Rolls back and closes, attaching failures to {@code cause}. Never throws. A pending interrupt
   * is held back meanwhile (so the rollback is not cut short) and restored afterwards.
   */
  public static void rollbackAndClose(Connection connection, Throwable cause) {
    boolean interrupted = Thread.interrupted();
    try {
      rollbackThenClose(connection, cause);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void rollbackThenClose(Connection connection, Throwable cause) {
    try {
      if (!connection.isClosed() && !connection.getAutoCommit()) {
        connection.rollback();
      }
    } catch (SQLException | RuntimeException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      }
    }
    try {
      connection.close();
    } catch (SQLException | RuntimeException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      }
    }
  }
}
