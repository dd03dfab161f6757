package dev.sluice.records.internal;

import de.siegmar.fastcsv.reader.AbstractBaseCsvCallbackHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Collects a FastCSV record's fields as strings, knowing which were quoted: with {@code
 * unquotedEmptyIsNull} an unquoted empty field (and an empty line, a record of one such field) is
 * {@code null}, as PostgreSQL's {@code COPY} reads it.
 */
final class CsvFields extends AbstractBaseCsvCallbackHandler<List<String>> {

  private final boolean unquotedEmptyIsNull;
  private List<String> fields = new ArrayList<>();

  CsvFields(boolean unquotedEmptyIsNull) {
    this.unquotedEmptyIsNull = unquotedEmptyIsNull;
  }

  @Override
  protected void handleBegin(long startingLineNumber) {
    fields = new ArrayList<>();
  }

  @Override
  protected void handleField(int fieldIdx, char[] buf, int offset, int len, boolean quoted) {
    fields.add(len == 0 && !quoted && unquotedEmptyIsNull ? null : new String(buf, offset, len));
  }

  @Override
  protected void handleEmpty() {
    fields.add(unquotedEmptyIsNull ? null : "");
  }

  @Override
  protected List<String> buildRecord() {
    return Collections.unmodifiableList(fields);
  }
}
