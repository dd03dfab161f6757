package dev.sluice.jdbc;

import java.util.Locale;

/** How rows are written as bytes: CSV (with a header row) or NDJSON (one JSON object a line). */
public enum RecordFormat {
  CSV,
  NDJSON;

  /**
   * Parses {@code csv} or {@code ndjson} (any case).
   *
   * @throws IllegalArgumentException naming the value and the choices
   */
  public static RecordFormat parse(String text) {
    return switch (text == null ? "" : text.toLowerCase(Locale.ROOT)) {
      case "csv" -> CSV;
      case "ndjson", "jsonl" -> NDJSON;
      default -> throw new IllegalArgumentException("format must be csv or ndjson: " + text);
    };
  }
}
