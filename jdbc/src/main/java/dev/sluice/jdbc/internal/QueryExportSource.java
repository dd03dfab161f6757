package dev.sluice.jdbc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.core.Source;
import dev.sluice.jdbc.RecordFormat;
import dev.sluice.records.CsvEncoder;
import dev.sluice.records.CsvFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Streams a query's rows as CSV (a header row, then one line a row; NULL as an empty unquoted
 * field) or NDJSON (one object a row, numbers and booleans typed). Rows come through a cursor —
 * auto-commit off and a fetch size, which is what PostgreSQL needs to stream and what MariaDB's
 * driver streams on — and are encoded about 64 KiB at a time, so memory stays flat whatever the
 * result's size.
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
  private final int[] types;
  private final String[] values;
  private final Pending pending = new Pending();
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
      types = new int[columnCount];
      for (int i = 0; i < columnCount; i++) {
        names[i] = meta.getColumnLabel(i + 1);
        types[i] = meta.getColumnType(i + 1);
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
    into.put(pending.bytes(), position, n);
    position += n;
    return n;
  }

  private void refill() throws IOException {
    pending.reset();
    position = 0;
    try {
      while (pending.size() < REFILL_AT) {
        if (!rows.next()) {
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
      switch (types[i]) {
        case Types.TINYINT,
            Types.SMALLINT,
            Types.INTEGER,
            Types.BIGINT,
            Types.DECIMAL,
            Types.NUMERIC,
            Types.REAL,
            Types.FLOAT,
            Types.DOUBLE -> {
          if (isJsonNumber(text)) {
            json.writeNumber(text);
          } else {
            json.writeString(text); // NaN, Infinity
          }
        }
        case Types.BOOLEAN, Types.BIT -> json.writeBoolean(rows.getBoolean(i + 1));
        default -> json.writeString(text);
      }
    }
    json.writeEndObject();
    json.flush();
    pending.write('\n');
  }

  private static boolean isJsonNumber(String text) {
    char first = text.isEmpty() ? 'x' : text.charAt(0);
    return (first == '-' || Character.isDigit(first))
        && !text.equalsIgnoreCase("-Infinity")
        && !text.equals("-NaN");
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

  /**
   * The encoded bytes waiting to be read: about {@code REFILL_AT} plus one row. Unsynchronized,
   * unlike {@code ByteArrayOutputStream}: one thread encodes and reads.
   */
  private static final class Pending extends OutputStream {
    private byte[] bytes = new byte[REFILL_AT + 8192];
    private int size;

    @Override
    public void write(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = java.util.Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
      }
    }

    int size() {
      return size;
    }

    void reset() {
      size = 0;
    }

    byte[] bytes() {
      return bytes;
    }
  }
}
