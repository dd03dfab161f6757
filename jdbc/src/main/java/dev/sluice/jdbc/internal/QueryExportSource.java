package dev.sluice.jdbc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.core.Source;
import dev.sluice.jdbc.RecordFormat;
import dev.sluice.records.ByteAccumulator;
import dev.sluice.records.CsvEncoder;
import dev.sluice.records.CsvFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams a query's rows as CSV (a header row, then one line a row; NULL as an empty unquoted
 * field) or NDJSON (one object a row, numbers and booleans typed). Rows come through a cursor —
 * auto-commit off and a fetch size, which is what PostgreSQL needs to stream and what MariaDB's
 * driver streams on — and are encoded about 64 KiB at a time, so memory stays flat whatever the
 * result's size. PostgreSQL's exports take {@link PostgresCopyExportSource} instead, which writes
 * the same bytes; this is their fallback for what {@code COPY} does not take.
 */
public final class QueryExportSource implements Source {

  private static final int REFILL_AT = 64 * 1024;
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private final Connection connection;
  private final Statement statement;
  private final ResultSet rows;
  private final RecordFormat format;
  private final int columnCount;
  private final String[] names;
  private final JsonKind[] kinds;
  private final String[] values;
  private final ByteAccumulator pending = new ByteAccumulator(REFILL_AT + 8192);
  private final CsvEncoder csv = new CsvEncoder(CsvFormat.rfc4180(), "");
  private final JsonGenerator json;
  private final AtomicBoolean closed = new AtomicBoolean();
  private int position;
  private boolean exhausted;

  /** Takes over {@code connection} and runs {@code sql} on it. */
  public QueryExportSource(Connection connection, String sql, RecordFormat format, int fetchSize)
      throws IOException {
    this.connection = connection;
    this.format = format;
    try {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      statement =
          connection.createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
      statement.setFetchSize(fetchSize);
      rows = statement.executeQuery(sql);
      ResultSetMetaData meta = rows.getMetaData();
      columnCount = meta.getColumnCount();
      names = new String[columnCount];
      kinds = new JsonKind[columnCount];
      for (int i = 0; i < columnCount; i++) {
        names[i] = meta.getColumnLabel(i + 1);
        kinds[i] = JsonKind.of(meta.getColumnType(i + 1));
      }
      values = new String[columnCount];
      json = format == RecordFormat.NDJSON ? JSON.createGenerator(pending) : null;
      if (json != null) {
        json.setRootValueSeparator(null); // each object ends with the '\n' written below
      }
      if (format == RecordFormat.CSV) {
        csv.write(pending, names);
      }
    } catch (SQLException e) {
      Database.rollbackAndClose(connection, e);
      throw Database.failure("query failed", e);
    }
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    while (position == pending.size()) {
      if (exhausted) {
        return -1;
      }
      refill();
    }
    int n = Math.min(into.remaining(), pending.size() - position);
    into.put(pending.array(), position, n);
    position += n;
    return n;
  }

  private void refill() throws IOException {
    pending.clear();
    position = 0;
    try {
      while (pending.size() < REFILL_AT) {
        if (!rows.next()) {
          if (closed.get()) { // the close's cancel ended the rows: cut short, not all read
            throw new IOException("closed while reading the query's rows: " + this);
          }
          exhausted = true;
          return;
        }
        if (format == RecordFormat.CSV) {
          for (int i = 0; i < columnCount; i++) {
            values[i] = rows.getString(i + 1);
          }
          csv.write(pending, values);
        } else {
          writeJson();
        }
      }
    } catch (SQLException e) {
      throw Database.failure("reading the query's rows failed", e);
    }
  }

  private void writeJson() throws SQLException, IOException {
    json.writeStartObject();
    for (int i = 0; i < columnCount; i++) {
      json.writeFieldName(names[i]);
      String text = rows.getString(i + 1);
      if (text == null) {
        json.writeNull();
        continue;
      }
      switch (kinds[i]) {
        case NUMBER -> JsonKind.writeNumber(json, text);
        case BOOLEAN -> json.writeBoolean(rows.getBoolean(i + 1));
        case TEXT -> json.writeString(text);
      }
    }
    json.writeEndObject();
    json.flush();
    pending.write('\n');
  }

  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<Throwable> failures = new ArrayList<>();
    if (!exhausted) {
      try {
        statement.cancel(); // unblocks a read waiting on the server
      } catch (SQLException | RuntimeException e) {
        failures.add(e);
      }
    }
    try {
      rows.close();
      statement.close();
    } catch (SQLException | RuntimeException e) {
      failures.add(e);
    }
    IOException failure = new IOException("closing the query's cursor failed");
    Database.rollbackAndClose(connection, failure);
    failures.forEach(failure::addSuppressed);
    if (exhausted && failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "query(" + format.name().toLowerCase(java.util.Locale.ROOT) + ")";
  }
}
