package dev.sluice.records;

import dev.sluice.core.Sink;
import dev.sluice.core.Transform;
import dev.sluice.records.internal.CsvCheckingSink;
import dev.sluice.records.internal.CsvParsingSink;
import dev.sluice.records.internal.NdjsonParsingSink;
import dev.sluice.records.internal.NdjsonToCsvSink;
import java.util.List;

/**
 * CSV and NDJSON record framing and parsing of streams pushed chunk by chunk, in memory bounded by
 * {@link RecordLimits} whatever the stream's length. Parse errors are {@link
 * dev.sluice.core.InvalidInputException}s naming the line and byte offset; limits are {@link
 * dev.sluice.core.LimitExceededException}s naming the limit.
 *
 * {@snippet :
 * Ingestion.from(Sources.file(Path.of("events.csv")))
 *     .to(Records.csv(CsvFormat.rfc4180(), RecordLimits.defaults(), rowSink))
 *     .run();
 * }
 *
 * <p>A UTF-8 byte-order mark at the start of a stream is dropped (and counted in byte offsets).
 * Left out: CSV comments, and encodings other than UTF-8.
 */
public final class Records {

  private Records() {}

  /**
   * A sink that parses CSV (a header row, then data rows) into {@code rows}. Records are found and
   * checked by an incremental scanner that respects quotes across chunks, then split into fields.
   */
  public static Sink csv(CsvFormat format, RecordLimits limits, RowSink rows) {
    return new CsvParsingSink(format, limits, rows);
  }

  /**
   * A sink that parses NDJSON (one JSON object per line; blank lines skipped) into {@code rows}.
   */
  public static Sink ndjson(RecordLimits limits, RowSink rows) {
    return new NdjsonParsingSink(limits, rows);
  }

  /**
   * A transform that checks CSV record by record and passes the bytes on unchanged, announcing the
   * header to {@code listener} before any byte is passed on.
   *
   * <p>Unchanged means a loader downstream reads the user's bytes with its own rules: PostgreSQL's
   * {@code COPY} ends at a line holding only {@code \.}, MariaDB's {@code LOAD DATA} reads an
   * unquoted {@code NULL} as NULL. The table loaders therefore parse with {@link #csv} and write
   * every value again quoted ({@link CsvEncoder#forBulkLoad}) instead of using this.
   */
  public static Transform checkCsv(
      CsvFormat format, RecordLimits limits, CsvHeader.Listener listener) {
    return named(
        "csv-check", downstream -> new CsvCheckingSink(downstream, format, limits, listener));
  }

  /**
   * A transform that converts NDJSON into header-less CSV rows of {@code columns}, mapping keys to
   * columns by name; {@code encoder} decides how NULL is written and which values are quoted (use
   * {@link CsvEncoder#forBulkLoad} for a bulk loader).
   */
  public static Transform ndjsonToCsv(
      List<String> columns, CsvEncoder encoder, RecordLimits limits) {
    return named(
        "ndjson-to-csv", downstream -> new NdjsonToCsvSink(downstream, columns, encoder, limits));
  }

  private static Transform named(String name, Transform transform) {
    return new Transform() {
      @Override
      public Sink apply(Sink downstream) {
        return transform.apply(downstream);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
