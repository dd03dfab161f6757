package dev.sluice.records;

import java.util.List;

/**
 * One parsed record: a CSV data row (with the header's column names) or one NDJSON object (with its
 * keys, in the order they appear).
 *
 * @param line the 1-based line where the record starts in the input
 * @param offset the 0-based byte offset where the record starts in the input
 * @param columns the column names, as many as {@code values}
 * @param values the values; a JSON {@code null} is {@code null}, nested JSON is its JSON text, and
 *     a CSV field is {@code null} only when unquoted, empty and read with {@link
 *     CsvFormat#unquotedEmptyIsNull()}
 */
public record Row(long line, long offset, List<String> columns, List<String> values) {

  /** The value of {@code column}, or null if the row has no such column (or a JSON null). */
  public String get(String column) {
    int index = columns.indexOf(column);
    return index < 0 ? null : values.get(index);
  }
}
