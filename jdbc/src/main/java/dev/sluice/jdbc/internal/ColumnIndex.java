package dev.sluice.jdbc.internal;

import dev.sluice.core.InvalidInputException;
import dev.sluice.records.Row;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where each of a table's columns sits, for mapping an NDJSON row's keys to them: a key matches a
 * column by its exact name, else case-insensitively. Immutable; thread-safe.
 */
final class ColumnIndex {

  private final List<String> columns;
  private final Map<String, Integer> indexes = new HashMap<>();

  ColumnIndex(List<String> columns) {
    this.columns = List.copyOf(columns);
    for (int i = 0; i < this.columns.size(); i++) {
      indexes.putIfAbsent(this.columns.get(i), i);
      indexes.putIfAbsent(this.columns.get(i).toLowerCase(Locale.ROOT), i);
    }
  }

  /**
   * The position of the column key {@code name} of {@code row} names.
   *
   * @throws InvalidInputException naming the row's line and byte and the table's columns when it
   *     names none
   */
  int of(Row row, String name) throws InvalidInputException {
    Integer index = indexes.get(name);
    if (index == null) {
      index = indexes.get(name.toLowerCase(Locale.ROOT));
    }
    if (index == null) {
      throw new InvalidInputException(
          "NDJSON line "
              + row.line()
              + ", byte "
              + row.offset()
              + ": key '"
              + name
              + "' names no column (columns: "
              + String.join(", ", columns)
              + ")");
    }
    return index;
  }
}
