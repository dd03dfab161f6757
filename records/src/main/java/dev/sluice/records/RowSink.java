package dev.sluice.records;

import dev.sluice.core.Receipt;
import java.io.IOException;
import java.util.List;

/**
 * Receives parsed records in input order and then ends exactly once, like a {@link
 * dev.sluice.core.Sink}: {@link #commit} after the last row, or {@link #abort}.
 *
 * <p>A CSV parser calls {@link #header} once, before any row; an NDJSON parser does not call it.
 */
public interface RowSink {

  /** The CSV header's column names, before the first row. */
  default void header(List<String> columns) throws IOException {}

  /** Consumes one row. The row is not reused by the parser. */
  void accept(Row row) throws IOException;

  /** Makes every accepted row visible. */
  Receipt commit() throws IOException;

  /** Discards every accepted row. Never throws; idempotent. */
  void abort(Throwable cause);
}
