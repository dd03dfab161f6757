package dev.sluice.records.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Splits text that holds complete CSV records, already checked by {@link CsvScanner}, into fields:
 * a quoted field loses its quotes and has its doubled quotes undone; an unquoted empty field is
 * {@code null} when asked (as PostgreSQL's {@code COPY} reads it). Records end in LF, CRLF or a
 * lone CR, exactly where the scanner ends them; an empty line is a record of one unquoted empty
 * field.
 *
 * <p>It replaces FastCSV for data records: FastCSV 4.1.0 finds no record in {@code "a\rb"\n} (a
 * lone CR inside quotes followed by a line end), which the record fuzzer found; the scanner has
 * checked every rule already, so this needs none of a parser's error handling.
 */
final class CsvSplitter {

  /** Told of each record's fields, in order. */
  interface Listener {
    void record(List<String> fields) throws java.io.IOException;
  }

  private final char delimiter;
  private final boolean unquotedEmptyIsNull;
  private final StringBuilder quoted = new StringBuilder();

  CsvSplitter(char delimiter, boolean unquotedEmptyIsNull) {
    this.delimiter = delimiter;
    this.unquotedEmptyIsNull = unquotedEmptyIsNull;
  }

  /** Splits {@code text} into records; returns how many. */
  int split(String text, Listener listener) throws java.io.IOException {
    int n = text.length();
    int i = 0;
    int count = 0;
    while (i < n) {
      List<String> fields = new ArrayList<>();
      boolean recordEnded = false;
      while (!recordEnded) {
        if (i < n && text.charAt(i) == '"') {
          quoted.setLength(0);
          i++;
          while (true) {
            int quote = text.indexOf('"', i);
            if (quote < 0) {
              throw new IllegalStateException("an unclosed quote the scanner let through");
            }
            quoted.append(text, i, quote);
            i = quote + 1;
            if (i < n && text.charAt(i) == '"') {
              quoted.append('"');
              i++;
            } else {
              break;
            }
          }
          fields.add(quoted.toString());
        } else {
          int start = i;
          while (i < n) {
            char c = text.charAt(i);
            if (c == delimiter || c == '\n' || c == '\r') {
              break;
            }
            i++;
          }
          fields.add(i == start && unquotedEmptyIsNull ? null : text.substring(start, i));
        }
        if (i >= n) {
          recordEnded = true;
        } else {
          char c = text.charAt(i++);
          if (c == '\r') {
            if (i < n && text.charAt(i) == '\n') {
              i++;
            }
            recordEnded = true;
          } else if (c == '\n') {
            recordEnded = true;
          } else if (c != delimiter) {
            throw new IllegalStateException("a character after a closing quote: " + (int) c);
          }
        }
      }
      listener.record(Collections.unmodifiableList(fields));
      count++;
    }
    return count;
  }
}
