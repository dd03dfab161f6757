package dev.sluice.jdbc;

import dev.sluice.core.Sink;
import dev.sluice.jdbc.internal.BatchInsertSink;
import dev.sluice.jdbc.internal.BulkLoadRows;
import dev.sluice.jdbc.internal.BulkLoader;
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
import java.util.function.Function;

/**
 * Sinks that load a CSV or NDJSON stream into a database table in one transaction: what the stream
 * holds becomes visible on commit, and nothing does on abort.
 *
 * {@snippet :
 * Ingestion.from(Sources.file(Path.of("events.csv")))
 *     .to(JdbcSinks.table("jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
 *         TableLoad.csv("events")))
 *     .run();
 * }
 *
 * <p>CSV columns are matched to the table's by the header's names; NDJSON keys likewise, object by
 * object. Which sink {@link #table} picks: PostgreSQL {@code COPY}, MariaDB {@code LOAD DATA LOCAL
 * INFILE}, else batched {@code INSERT}s. A table that does not exist (and is not to be created) is
 * a {@link NoSuchTableException}.
 *
 * <p><b>One rule for NULL, on every loader.</b> CSV is read as PostgreSQL's {@code COPY … (FORMAT
 * csv)} reads it: an unquoted empty field is NULL; a quoted empty field ({@code ""}) is the empty
 * string; every other field is the string as written, so {@code NULL}, {@code null}, {@code \N},
 * {@code \.} and backslashes arrive as text. In NDJSON a JSON {@code null} or a missing key is NULL
 * and a string is that string. A UTF-8 byte-order mark at the start of the stream is dropped.
 *
 * <p>The bulk loaders never see the input as it came: it is parsed into rows here and written again
 * with every value quoted, so no sequence in the data can end a {@code COPY} early or turn into a
 * NULL. The database's row count is checked against the rows sent before commit: a load that would
 * store fewer rows, or (MariaDB) change a value, fails and stores nothing.
 */
public final class JdbcSinks {

  private JdbcSinks() {}

  /** The best sink into {@code load}'s table for {@code url}'s database. */
  public static Sink table(String url, TableLoad load) throws IOException {
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
    return bulkLoad(
        url,
        load,
        connection -> new PostgresCopySink(connection, location(url, load), load.table()),
        CsvEncoder.forBulkLoad(""),
        true,
        (connection, columns) ->
            "COPY "
                + load.table()
                + " ("
                + quoted(connection, columns)
                + ") FROM STDIN WITH (FORMAT csv"
                + (load.format() == RecordFormat.CSV ? ", HEADER true)" : ")"));
  }

  /**
   * MariaDB {@code LOAD DATA LOCAL INFILE}, fed from the stream with no temporary file. The server
   * must allow it ({@code local_infile=1}); the URL gets {@code allowLocalInfile=true}.
   */
  public static Sink mariaDbLoad(String url, TableLoad load) throws IOException {
    return bulkLoad(
        url,
        load,
        connection -> new MariaDbLoadSink(connection, location(url, load), load.table()),
        CsvEncoder.forBulkLoad("NULL"),
        false,
        (connection, columns) -> loadData(load.table(), quoted(connection, columns)));
  }

  /** Batched {@code INSERT}s of {@link TableLoad#batchSize()} rows, for any JDBC driver. */
  public static Sink batchInsert(String url, TableLoad load) throws IOException {
    BatchInsertSink rows = new BatchInsertSink(Database.connect(url), load, location(url, load));
    return load.format() == RecordFormat.CSV
        ? Records.csv(csvFormat(load), load.limits(), rows)
        : Records.ndjson(load.limits(), rows);
  }

  /** The statement that loads rows of {@code columns}. */
  @FunctionalInterface
  private interface LoadStatement {
    String forColumns(Connection connection, List<String> columns) throws IOException;
  }

  /**
   * Opens a transaction on {@code url} for the loader {@code open} makes, parses the input into
   * rows and feeds them, written again by {@code encoder}, to the loader; the statement starts once
   * the columns are known (after the CSV header; at once for NDJSON). With {@code headerLine} a CSV
   * load sends a header row first, which the statement skips. A failure before the sink is returned
   * rolls back and closes the connection.
   */
  private static Sink bulkLoad(
      String url,
      TableLoad load,
      Function<Connection, BulkLoader> open,
      CsvEncoder encoder,
      boolean headerLine,
      LoadStatement statement)
      throws IOException {
    Connection connection = Database.connect(url);
    try {
      connection.setAutoCommit(false);
      BulkLoader loader = open.apply(connection);
      if (load.format() == RecordFormat.CSV) {
        BulkLoadRows rows =
            new BulkLoadRows(
                loader,
                encoder,
                header -> {
                  List<String> columns = columnsFor(connection, load, header);
                  loader.start(statement.forColumns(connection, columns));
                  return columns;
                },
                headerLine);
        return Records.csv(csvFormat(load), load.limits(), rows);
      }
      List<String> columns = existingColumns(connection, load);
      loader.start(statement.forColumns(connection, columns));
      return Records.ndjson(load.limits(), new BulkLoadRows(loader, encoder, columns));
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("cannot load into table " + load.table(), e);
    } catch (IOException | RuntimeException e) {
      Database.rollbackAndClose(connection, e);
      throw e;
    }
  }

  /** The load's dialect, with the NULL rule every loader follows. */
  private static CsvFormat csvFormat(TableLoad load) {
    return load.csv().withUnquotedEmptyAsNull(true);
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

  /**
   * Reads what {@link CsvEncoder#forBulkLoad} writes: every value enclosed in quotes (doubled
   * inside), NULL as the unquoted word {@code NULL}, no escape character (so a backslash is data),
   * LF line ends.
   */
  private static String loadData(String table, String columns) {
    return "LOAD DATA LOCAL INFILE 'sluice-stream' INTO TABLE "
        + table
        + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"'"
        + " ESCAPED BY '' LINES TERMINATED BY '\\n' ("
        + columns
        + ")";
  }

  private static String location(String url, TableLoad load) {
    return Database.redact(url) + "#" + load.table();
  }
}
