package dev.sluice.jdbc.internal;

import dev.sluice.core.Receipt;
import dev.sluice.jdbc.TableLoad;
import dev.sluice.records.Row;
import dev.sluice.records.RowSink;
import java.io.IOException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Inserts rows with a batched {@code INSERT} prepared statement, for any JDBC driver, in one
 * transaction. CSV rows are matched to columns through the header; NDJSON rows key by key (an
 * unknown key is an error naming the line; a missing key is NULL). A {@code null} value (an
 * unquoted empty CSV field, a JSON null) is bound as SQL NULL, every other value as the string it
 * is. Each batch must insert one row per row sent, else the load fails. Error messages name the
 * table, never the database's location.
 */
public final class BatchInsertSink implements RowSink {

  private final Connection connection;
  private final TableLoad load;
  private final String location;
  private final String target;
  private List<String> columns;
  private ColumnIndex indexes;
  private PreparedStatement insert;
  private int[] csvPositions;
  private long rows;
  private int batched;
  private long batchFirstLine;
  private long batchLastLine;
  private boolean ended;

  /** Takes over {@code connection}. For NDJSON the table must exist. */
  public BatchInsertSink(Connection connection, TableLoad load, String location)
      throws IOException {
    this.connection = connection;
    this.load = load;
    this.location = location;
    this.target = "table " + load.table();
    try {
      connection.setAutoCommit(false);
      if (load.format() == dev.sluice.jdbc.RecordFormat.NDJSON) {
        prepare(
            Database.columns(connection, load.table()).orElseThrow(() -> Database.noTable(load)));
      }
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("preparing the insert into " + target + " failed", e);
    } catch (IOException | RuntimeException e) {
      Database.rollbackAndClose(connection, e);
      throw e;
    }
  }

  private void prepare(List<String> tableColumns) throws SQLException {
    this.columns = tableColumns;
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(load.table()).append(" (");
    StringBuilder marks = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(Database.quote(connection, columns.get(i)));
      marks.append(i == 0 ? "?" : ", ?");
    }
    indexes = new ColumnIndex(columns);
    sql.append(") VALUES (").append(marks).append(')');
    insert = connection.prepareStatement(sql.toString());
  }

  @Override
  public void header(List<String> header) throws IOException {
    try {
      var existing = Database.columns(connection, load.table());
      if (existing.isEmpty() && load.createTable()) {
        Database.createTextTable(connection, load.table(), header);
        existing = Database.columns(connection, load.table());
      }
      List<String> tableColumns = existing.orElseThrow(() -> Database.noTable(load));
      List<String> matched = Database.match(header, tableColumns, load.table());
      prepare(matched);
      csvPositions = new int[matched.size()];
      for (int i = 0; i < csvPositions.length; i++) {
        csvPositions[i] = i + 1;
      }
    } catch (SQLException e) {
      throw Database.failure("preparing the insert into " + target + " failed", e);
    }
  }

  @Override
  public void accept(Row row) throws IOException {
    try {
      if (csvPositions != null) {
        List<String> values = row.values();
        for (int i = 0; i < csvPositions.length; i++) {
          String value = values.get(i);
          if (value == null) {
            insert.setNull(csvPositions[i], Types.VARCHAR);
          } else {
            insert.setString(csvPositions[i], value);
          }
        }
      } else {
        for (int i = 1; i <= columns.size(); i++) {
          insert.setNull(i, Types.VARCHAR);
        }
        for (int i = 0; i < row.columns().size(); i++) {
          String name = row.columns().get(i);
          int index = indexes.of(row, name);
          String value = row.values().get(i);
          if (value == null) {
            insert.setNull(index + 1, Types.VARCHAR);
          } else {
            insert.setString(index + 1, value);
          }
        }
      }
      insert.addBatch();
      if (batched++ == 0) {
        batchFirstLine = row.line();
      }
      batchLastLine = row.line();
      if (batched == load.batchSize()) {
        flush();
      }
    } catch (SQLException e) {
      throw Database.failure("inserting into " + target + " failed", e);
    }
  }

  private void flush() throws IOException {
    if (batched == 0) {
      return;
    }
    try {
      int[] counts = insert.executeBatch();
      long inserted = 0;
      for (int count : counts) {
        inserted += count == java.sql.Statement.SUCCESS_NO_INFO ? 1 : count;
      }
      if (counts.length != batched || inserted != batched) {
        throw new IOException(
            insertingBatch() + " inserted " + inserted + " of " + batched + " rows");
      }
      rows += batched;
      batched = 0;
    } catch (BatchUpdateException e) {
      throw Database.failure(insertingBatch() + " failed", e);
    } catch (SQLException e) {
      throw Database.failure("inserting into " + target + " failed", e);
    }
  }

  /**
   * What the current batch does, for its failure: {@code inserting the rows of lines 3–7 into T}.
   */
  private String insertingBatch() {
    return "inserting the rows of lines "
        + batchFirstLine
        + "–"
        + batchLastLine
        + " into "
        + target;
  }

  @Override
  public Receipt commit() throws IOException {
    if (ended) {
      throw new IllegalStateException("the insert into " + target + " has already ended");
    }
    try {
      flush();
      connection.commit();
      ended = true;
      connection.close();
      return Receipt.of(location).with("rows", rows);
    } catch (SQLException e) {
      IOException failure = Database.failure("committing into " + target + " failed", e);
      abort(failure);
      throw failure;
    } catch (IOException | RuntimeException | Error e) {
      abort(e);
      throw e;
    }
  }

  @Override
  public void abort(Throwable cause) {
    if (!ended) {
      ended = true;
      Database.rollbackAndClose(connection, cause);
    }
  }

  @Override
  public String toString() {
    return "jdbc-insert(" + location + ")";
  }
}
