package dev.sluice.records.internal;

import de.siegmar.fastcsv.reader.CsvReader;
import dev.sluice.core.InvalidInputException;
import dev.sluice.records.CsvFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Parses and checks a CSV header row with FastCSV. */
final class CsvHeaders {

  private CsvHeaders() {}

  static CsvReader.CsvReaderBuilder reader(CsvFormat format) {
    return CsvReader.builder()
        .fieldSeparator(format.delimiter())
        .quoteCharacter('"')
        .skipEmptyLines(false)
        .allowExtraFields(false)
        .allowMissingFields(false);
  }

  /** Checks header names: none empty, none repeated. */
  static List<String> check(List<String> columns) throws InvalidInputException {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < columns.size(); i++) {
      String name = columns.get(i);
      if (name == null || name.isBlank()) {
        throw new InvalidInputException(
            "CSV line 1: column " + (i + 1) + " of the header has no name");
      }
      if (!seen.add(name)) {
        throw new InvalidInputException(
            "CSV line 1: column name '" + name + "' appears twice in the header");
      }
    }
    return List.copyOf(columns);
  }
}
