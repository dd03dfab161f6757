package dev.sluice.jdbc.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.sql.Types;

/**
 * How an exported value is written in NDJSON, by its column's JDBC type: numbers and booleans
 * typed, everything else as a string.
 */
enum JsonKind {
  NUMBER,
  BOOLEAN,
  TEXT;

  static JsonKind of(int sqlType) {
    return switch (sqlType) {
      case Types.TINYINT,
          Types.SMALLINT,
          Types.INTEGER,
          Types.BIGINT,
          Types.DECIMAL,
          Types.NUMERIC,
          Types.REAL,
          Types.FLOAT,
          Types.DOUBLE ->
          NUMBER;
      case Types.BOOLEAN, Types.BIT -> BOOLEAN;
      default -> TEXT;
    };
  }

  /** Writes a number as a JSON number, or as a string where JSON has none (NaN, Infinity). */
  static void writeNumber(JsonGenerator json, String text) throws IOException {
    char first = text.isEmpty() ? 'x' : text.charAt(0);
    boolean number =
        (first == '-' || Character.isDigit(first))
            && !text.equalsIgnoreCase("-Infinity")
            && !text.equals("-NaN");
    if (number) {
      json.writeNumber(text);
    } else {
      json.writeString(text);
    }
  }
}
