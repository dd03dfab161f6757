package dev.sluice.jdbc;

import dev.sluice.core.Sink;
import dev.sluice.jdbc.internal.BatchInsertSink;
import dev.sluice.jdbc.internal.Database;
import dev.sluice.jdbc.internal.MariaDbLoadSink;
import dev.sluice.jdbc.internal.PostgresCopySink;
import dev.sluice.records.CsvEncoder;
import dev.sluice.records.CsvFormat;
import dev.sluice.records.Records;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Sinks that load a CSV or NDJSON stream into a database table in one transaction: what the stream
 * holds becomes visible on commit, and nothing does on abort.
 *
 * {@snippet :
 * Ingestion.from(Sources.file(Path.of("events.csv")))
 *     .to(JdbcSinks.open("jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
 *         TableLoad.csv("events")))
 *     .run();
 * }
 *
 * <p>CSV columns are matched to the table's by the header's names; NDJSON keys likewise, object by
 * object. Which sink {@link #open} picks: PostgreSQL {@code COPY}, MariaDB {@code LOAD DATA LOCAL
 * INFILE}, else batched {@code INSERT}s. NULL follows each loader's CSV rules: PostgreSQL reads an
 * unquoted empty CSV field as NULL, MariaDB and the generic sink read it as an empty string.
 */
public final class JdbcSinks {

  private JdbcSinks() {}

  /** The best sink for {@code url}'s database. */
  public static Sink open(String url, TableLoad load) throws IOException {
    if (Database.isPostgres(url)) {
      return postgresCopy(url, load);
    }
    if (Database.isMariaDb(url)) {
      return mariaDbLoad(url, load);
    }
    return batchInsert(url, load);
  }

  /** PostgreSQL {@code COPY … FROM STDIN (FORMAT csv)}, fed chunk by chunk. */
  public static Sink postgresCopy(String url, TableLoad load) throws IOException {
    Connection connection = Database.connect(url);
    try {
      connection.setAutoCommit(false);
      PostgresCopySink copy = new PostgresCopySink(connection, location(url, load));
      String table = load.table();
      if (load.format() == RecordFormat.CSV) {
        return Records.checkCsv(
                load.csv(),
                load.limits(),
                header -> {
                  List<String> columns = columnsFor(connection, load, header.columns());
                  copy.start(
                      "COPY "
                          + table
                          + " ("
                          + quoted(connection, columns)
                          + ") FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER "
                          + literal(load.csv().delimiter())
                          + ")");
                })
            .apply(copy);
      }
      List<String> columns = existingColumns(connection, load);
      copy.start(
          "COPY " + table + " (" + quoted(connection, columns) + ") FROM STDIN WITH (FORMAT csv)");
      return Records.ndjsonToCsv(columns, new CsvEncoder(CsvFormat.rfc4180(), ""), load.limits())
          .apply(copy);
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("cannot load into " + location(url, load), e);
    } catch (IOException | RuntimeException e) {
      Database.rollbackAndClose(connection, e);
      throw e;
    }
  }

  /**
   * MariaDB {@code LOAD DATA LOCAL INFILE}, fed from the stream with no temporary file. The server
   * must allow it ({@code local_infile=1}); the URL gets {@code allowLocalInfile=true}.
   */
  public static Sink mariaDbLoad(String url, TableLoad load) throws IOException {
    Connection connection = Database.connect(url);
    try {
      connection.setAutoCommit(false);
      MariaDbLoadSink loader = new MariaDbLoadSink(connection, location(url, load));
      String table = load.table();
      if (load.format() == RecordFormat.CSV) {
        return Records.checkCsv(
                load.csv(),
                load.limits(),
                header -> {
                  List<String> columns = columnsFor(connection, load, header.columns());
                  loader.start(
                      loadData(
                          table,
                          load.csv().delimiter(),
                          header.lineEnd(),
                          1,
                          quoted(connection, columns)));
                })
            .apply(loader);
      }
      List<String> columns = existingColumns(connection, load);
      loader.start(loadData(table, ',', "\n", 0, quoted(connection, columns)));
      return Records.ndjsonToCsv(
              columns, new CsvEncoder(CsvFormat.rfc4180(), "NULL"), load.limits())
          .apply(loader);
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("cannot load into " + location(url, load), e);
    } catch (IOException | RuntimeException e) {
      Database.rollbackAndClose(connection, e);
      throw e;
    }
  }

  /** Batched {@code INSERT}s of {@link TableLoad#batchSize()} rows, for any JDBC driver. */
  public static Sink batchInsert(String url, TableLoad load) throws IOException {
    BatchInsertSink rows = new BatchInsertSink(Database.connect(url), load, location(url, load));
    return load.format() == RecordFormat.CSV
        ? Records.csv(load.csv(), load.limits(), rows)
        : Records.ndjson(load.limits(), rows);
  }

  private static List<String> columnsFor(Connection connection, TableLoad load, List<String> header)
      throws IOException {
    try {
      var existing = Database.columns(connection, load.table());
      if (existing.isEmpty() && load.createTable()) {
        Database.createTextTable(connection, load.table(), header);
        existing = Database.columns(connection, load.table());
      }
      List<String> columns = existing.orElseThrow(() -> Database.noTable(load));
      return Database.match(header, columns, load.table());
    } catch (SQLException e) {
      throw Database.failure("cannot load into table " + load.table(), e);
    }
  }

  private static List<String> existingColumns(Connection connection, TableLoad load)
      throws SQLException, IOException {
    return Database.columns(connection, load.table()).orElseThrow(() -> Database.noTable(load));
  }

  private static String quoted(Connection connection, List<String> columns) throws IOException {
    try {
      StringBuilder out = new StringBuilder();
      for (String column : columns) {
        out.append(out.isEmpty() ? "" : ", ").append(Database.quote(connection, column));
      }
      return out.toString();
    } catch (SQLException e) {
      throw new IOException("cannot read the database's metadata", e);
    }
  }

  private static String literal(char c) {
    return c == '\'' ? "''''" : "'" + c + "'";
  }

  private static String loadData(
      String table, char delimiter, String lineEnd, int skipLines, String columns) {
    String escapedDelimiter =
        switch (delimiter) {
          case '\\' -> "\\\\";
          case '\'' -> "\\'";
          case '\t' -> "\\t";
          default -> String.valueOf(delimiter);
        };
    return "LOAD DATA LOCAL INFILE 'sluice-stream' INTO TABLE "
        + table
        + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '"
        + escapedDelimiter
        + "' OPTIONALLY ENCLOSED BY '\"' ESCAPED BY '' LINES TERMINATED BY '"
        + lineEnd.chars().mapToObj(c -> c == '\r' ? "\\r" : "\\n").collect(Collectors.joining())
        + "'"
        + (skipLines > 0 ? " IGNORE " + skipLines + " LINES" : "")
        + " ("
        + columns
        + ")";
  }

  private static String location(String url, TableLoad load) {
    return Database.redact(url) + "#" + load.table();
  }
}
