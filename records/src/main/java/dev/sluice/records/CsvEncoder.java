package dev.sluice.records;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes rows as RFC 4180 CSV in UTF-8 with LF line ends. A field is quoted only when it must be:
 * when it is empty, holds the delimiter, a quote, CR or LF, equals the null marker, or is {@code
 * \.} alone on its line (a one-field row: PostgreSQL's end-of-data line); a quote inside is
 * doubled. This is the rule of PostgreSQL's {@code COPY … TO (FORMAT csv)}, so an export through a
 * cursor and one through {@code COPY} write the same bytes. A {@code null} value is written as the
 * (unquoted) null marker, so a loader that reads that marker as NULL (PostgreSQL's empty field,
 * MariaDB's {@code NULL}) keeps the difference between NULL and the empty string.
 *
 * <p>{@link #forBulkLoad} quotes every value instead: a bulk loader then reads nothing but the null
 * marker as special, whatever the values hold.
 */
public final class CsvEncoder {

  private final byte delimiter;
  private final String nullMarker;
  private final byte[] nullBytes;
  private final boolean quoteAll;

  /**
   * @param nullMarker what a {@code null} value is written as, e.g. {@code ""} or {@code "NULL"}
   */
  public CsvEncoder(CsvFormat format, String nullMarker) {
    this(format, nullMarker, false);
  }

  private CsvEncoder(CsvFormat format, String nullMarker, boolean quoteAll) {
    this.delimiter = (byte) format.delimiter();
    this.nullMarker = nullMarker;
    this.nullBytes = nullMarker.getBytes(StandardCharsets.UTF_8);
    this.quoteAll = quoteAll;
  }

  /**
   * Comma-separated rows for a bulk loader's CSV mode, every non-null value quoted: PostgreSQL's
   * {@code COPY} then cannot take a value for its {@code \.} end-of-data line, nor MariaDB's {@code
   * LOAD DATA} a value for its unquoted {@code NULL}; only {@code null} is written unquoted, as
   * {@code nullMarker}.
   */
  public static CsvEncoder forBulkLoad(String nullMarker) {
    return new CsvEncoder(CsvFormat.rfc4180(), nullMarker, true);
  }

  /** Writes one row and its line end. */
  public void write(OutputStream out, List<String> values) throws IOException {
    boolean alone = values.size() == 1;
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.write(delimiter);
      }
      writeField(out, values.get(i), alone);
    }
    out.write('\n');
  }

  /** Writes one row and its line end. */
  public void write(OutputStream out, String[] values) throws IOException {
    write(out, java.util.Arrays.asList(values));
  }

  private void writeField(OutputStream out, String value, boolean alone) throws IOException {
    if (value == null) {
      out.write(nullBytes);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    if (!quoteAll
        && !needsQuotes(bytes)
        && !value.equals(nullMarker)
        && !(alone && value.equals("\\."))) {
      out.write(bytes);
      return;
    }
    out.write('"');
    int from = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '"') {
        out.write(bytes, from, i + 1 - from);
        out.write('"');
        from = i + 1;
      }
    }
    out.write(bytes, from, bytes.length - from);
    out.write('"');
  }

  private boolean needsQuotes(byte[] bytes) {
    if (bytes.length == 0) {
      return true;
    }
    for (byte b : bytes) {
      if (b == delimiter || b == '"' || b == '\n' || b == '\r') {
        return true;
      }
    }
    return false;
  }
}
