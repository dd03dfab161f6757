package dev.sluice.records;

import dev.sluice.core.Sink;
import dev.sluice.records.internal.CsvParsingSink;
import dev.sluice.records.internal.NdjsonParsingSink;

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
}
