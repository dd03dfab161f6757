package dev.sluice.jdbc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.records.ByteAccumulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * Turns rows of PostgreSQL's {@code COPY … (FORMAT csv)} output (one row a data message, ending in
 * LF, no header) into NDJSON lines, the same bytes the cursor export writes: NULL (an unquoted
 * empty field) as {@code null}, numbers and booleans typed by the column's JDBC type, the rest as
 * strings, escaped from their UTF-8 bytes without making a {@code String} of them (except for text
 * beyond U+FFFF, whose surrogate pairs Jackson escapes only when it writes a {@code String}).
 */
final class CopyRowsAsNdjson {

  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final Set<String> TRUE = Set.of("1", "true", "t", "yes", "y", "on");
  private static final Set<String> FALSE = Set.of("0", "false", "f", "no", "n", "off");

  private final String[] names;
  private final JsonKind[] kinds;
  private final ByteAccumulator line = new ByteAccumulator(8192);
  private final ByteAccumulator unquoted = new ByteAccumulator(1024);
  private final JsonGenerator json;

  /** For the columns {@code meta} describes. */
  CopyRowsAsNdjson(ResultSetMetaData meta) throws SQLException, IOException {
    int columns = meta.getColumnCount();
    names = new String[columns];
    kinds = new JsonKind[columns];
    for (int i = 0; i < columns; i++) {
      names[i] = meta.getColumnLabel(i + 1);
      kinds[i] = JsonKind.of(meta.getColumnType(i + 1));
    }
    json = JSON.createGenerator(line);
    json.setRootValueSeparator(null); // each object ends with the '\n' written below
  }

  /**
   * Converts one CSV row into its NDJSON line, held in {@link #line()} (the first {@link #size()}
   * bytes) until the next call: the line's buffer is reused, not copied, for every row.
   */
  void convert(byte[] row) throws IOException {
    line.clear();
    int end = row.length - 1; // the LF
    if (end < 0 || row[end] != '\n') {
      throw malformed(row);
    }
    json.writeStartObject();
    int at = 0;
    for (int column = 0; column < names.length; column++) {
      if (at > end) {
        throw malformed(row);
      }
      json.writeFieldName(names[column]);
      if (at < end && row[at] == '"') {
        unquoted.clear();
        at++;
        while (true) {
          if (at >= end) {
            throw malformed(row);
          }
          byte b = row[at++];
          if (b == '"') {
            if (at < end && row[at] == '"') {
              at++;
            } else {
              break;
            }
          }
          unquoted.write(b);
        }
        write(column, unquoted.array(), 0, unquoted.size());
      } else {
        int start = at;
        while (at < end && row[at] != ',') {
          at++;
        }
        if (at == start) {
          json.writeNull();
        } else {
          write(column, row, start, at - start);
        }
      }
      at++; // the comma, or the LF after the last field
    }
    if (at != row.length && names.length > 0) {
      throw malformed(row);
    }
    json.writeEndObject();
    json.flush();
    line.write('\n');
  }

  /** The buffer holding the last converted line; valid until the next {@link #convert}. */
  byte[] line() {
    return line.array();
  }

  /** The length of the last converted line. */
  int size() {
    return line.size();
  }

  private void write(int column, byte[] bytes, int offset, int length) throws IOException {
    switch (kinds[column]) {
      case NUMBER ->
          JsonKind.writeNumber(json, new String(bytes, offset, length, StandardCharsets.UTF_8));
      case BOOLEAN ->
          json.writeBoolean(bool(new String(bytes, offset, length, StandardCharsets.UTF_8)));
      case TEXT -> {
        if (outsideTheBmp(bytes, offset, length)) { // Jackson escapes a String's surrogate pairs
          json.writeString(new String(bytes, offset, length, StandardCharsets.UTF_8));
        } else {
          json.writeUTF8String(bytes, offset, length);
        }
      }
    }
  }

  /**
   * Whether the UTF-8 holds a character beyond U+FFFF (a 4-byte sequence), which the cursor export,
   * writing a {@code String}, escapes as its two UTF-16 surrogates where Jackson would copy the
   * UTF-8 bytes as they are.
   */
  private static boolean outsideTheBmp(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if ((bytes[i] & 0xF8) == 0xF0) {
        return true;
      }
    }
    return false;
  }

  /** PostgreSQL's {@code t}/{@code f}, or a bit's {@code 1}/{@code 0}, as pgjdbc reads them. */
  private static boolean bool(String text) throws IOException {
    String word = text.strip().toLowerCase(Locale.ROOT);
    if (TRUE.contains(word)) {
      return true;
    }
    if (FALSE.contains(word)) {
      return false;
    }
    throw new IOException("reading the query's rows failed: cannot read as a boolean: " + text);
  }

  private static IOException malformed(byte[] row) {
    return new IOException(
        "PostgreSQL's COPY sent a row that is not the CSV expected (" + row.length + " bytes)");
  }
}
