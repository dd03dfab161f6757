package dev.sluice.jdbc;

import dev.sluice.records.CsvFormat;
import dev.sluice.records.RecordLimits;
import java.util.regex.Pattern;

/**
 * What to load into a table and how.
 *
 * @param table a plain SQL name, {@code events} or {@code schema.events}; it is used unquoted, so
 *     the database folds its case as it would in a query
 * @param format the input's format
 * @param csv the CSV dialect (CSV input only)
 * @param limits the record limits
 * @param createTable create the table from the CSV header (text columns) if it does not exist
 * @param batchSize rows per batch for the generic JDBC sink
 */
public record TableLoad(
    String table,
    RecordFormat format,
    CsvFormat csv,
    RecordLimits limits,
    boolean createTable,
    int batchSize) {

  private static final Pattern NAME =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

  /** The default batch size of the generic JDBC sink: 1,000 rows. */
  public static final int DEFAULT_BATCH_SIZE = 1000;

  public TableLoad {
    if (table == null || !NAME.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "table must be a plain SQL name like events or schema.events: " + table);
    }
    if (format == null) {
      throw new NullPointerException("format == null");
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be > 0: " + batchSize);
    }
    if (createTable && format != RecordFormat.CSV) {
      throw new IllegalArgumentException(
          "create-table needs CSV input (the header names the columns): format is " + format);
    }
  }

  /** CSV into {@code table}, RFC 4180 commas, default limits, no table creation. */
  public static TableLoad csv(String table) {
    return new TableLoad(
        table,
        RecordFormat.CSV,
        CsvFormat.rfc4180(),
        RecordLimits.defaults(),
        false,
        DEFAULT_BATCH_SIZE);
  }

  /** NDJSON into {@code table} with default limits. */
  public static TableLoad ndjson(String table) {
    return csv(table).withFormat(RecordFormat.NDJSON);
  }

  public TableLoad withFormat(RecordFormat format) {
    return new TableLoad(table, format, csv, limits, createTable, batchSize);
  }

  public TableLoad withCreateTable(boolean createTable) {
    return new TableLoad(table, format, csv, limits, createTable, batchSize);
  }

  public TableLoad withBatchSize(int batchSize) {
    return new TableLoad(table, format, csv, limits, createTable, batchSize);
  }

  public TableLoad withLimits(RecordLimits limits) {
    return new TableLoad(table, format, csv, limits, createTable, batchSize);
  }
}
