package dev.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the integration tests use: the machine's PostgreSQL and MariaDB, and a fresh
 * embedded H2. A missing server skips the test, except with {@code CI=true}, where it fails.
 */
final class TestDatabases {

  static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
  static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/test?user=root";

  private TestDatabases() {}

  static String h2(Path folder) {
    return "jdbc:h2:" + folder.resolve("db").toAbsolutePath();
  }

  /** Checks the server answers; fails under CI, skips elsewhere. */
  static void require(String url) {
    unreachable(url)
        .ifPresent(
            message -> {
              if (ci()) {
                fail(
                    message
                        + " (CI=true: integration tests need it; scripts/services.sh starts it)");
              }
              Assumptions.abort(message);
            });
  }

  /** Why the server does not answer, or empty if it does. */
  static java.util.Optional<String> unreachable(String url) {
    try (Connection connection = DriverManager.getConnection(url)) {
      if (url.startsWith("jdbc:mariadb:")) {
        enableLocalInfile(connection);
      }
      return java.util.Optional.empty();
    } catch (SQLException e) {
      return java.util.Optional.of("database " + url + " is not reachable: " + e.getMessage());
    }
  }

  /**
   * True under CI ({@code CI=true}), where a missing database fails a test instead of skipping it.
   */
  static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  private static void enableLocalInfile(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT @@GLOBAL.local_infile")) {
      row.next();
      if (row.getInt(1) == 0) {
        statement.execute("SET GLOBAL local_infile = 1");
      }
    }
  }

  /** A table name no other test (or engineer) uses. */
  static String uniqueTable(String prefix) {
    byte[] random = new byte[5];
    ThreadLocalRandom.current().nextBytes(random);
    return prefix + "_" + HexFormat.of().formatHex(random);
  }

  static void execute(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  static long count(String url, String table) throws SQLException {
    return queryLong(url, "SELECT count(*) FROM " + table);
  }

  static long queryLong(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getLong(1);
    }
  }

  static String queryString(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      return row.next() ? row.getString(1) : null;
    }
  }

  static void dropQuietly(String url, String table) {
    try {
      execute(url, "DROP TABLE IF EXISTS " + table);
    } catch (SQLException e) {
      System.err.println("could not drop " + table + ": " + e.getMessage());
    }
  }
}
