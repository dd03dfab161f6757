package dev.sluice.records.internal;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.records.ByteAccumulator;
import dev.sluice.records.CsvFormat;
import dev.sluice.records.RecordLimits;
import dev.sluice.records.Row;
import dev.sluice.records.RowSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Parses pushed CSV chunks into rows. The {@link CsvScanner} finds where complete records end and
 * checks them; the complete records of each chunk (plus the unfinished record carried over from the
 * last one) are split into fields by {@link CsvSplitter} in batches of about {@value #BATCH} bytes
 * of whole records, and the unfinished tail is carried to the next chunk. Batches keep what one
 * split holds (its text and the fields of its rows) small enough to die in the young generation:
 * splitting a whole 256 KiB chunk at once kept it alive across collections of the CLI's 2 MiB young
 * generation, and the promoted strings grew the heap by 15 MiB. The carry is at most one record,
 * which the limits bound. A byte-order mark at the start is dropped; with {@link
 * CsvFormat#unquotedEmptyIsNull()} an unquoted empty field is {@code null}.
 */
public final class CsvParsingSink implements Sink {

  /** Bytes of whole records split at once (a single longer record is split alone). */
  static final int BATCH = 16 * 1024;

  private final CsvSplitter splitter;
  private final CsvScanner scanner;
  private final LeadingBom bom = new LeadingBom();
  private final RowSink rows;
  private final ByteAccumulator pending = new ByteAccumulator(64 * 1024);
  private long[] lines = new long[256];
  private long[] offsets = new long[256];
  private int[] ends = new int[256];
  private int records;
  private int boundary;
  private int parsed;
  private List<String> header;

  public CsvParsingSink(CsvFormat format, RecordLimits limits, RowSink rows) {
    this.splitter = new CsvSplitter(format.delimiter(), format.unquotedEmptyIsNull());
    this.scanner = new CsvScanner(format, limits);
    this.rows = rows;
  }

  private final CsvScanner.Listener recordEnds =
      (end, line, offset) -> {
        if (records == lines.length) {
          lines = Arrays.copyOf(lines, records * 2);
          offsets = Arrays.copyOf(offsets, records * 2);
          ends = Arrays.copyOf(ends, records * 2);
        }
        lines[records] = line;
        offsets[records] = offset;
        ends[records] = end;
        records++;
        boundary = end;
      };

  @Override
  public void write(ByteBuffer bytes) throws IOException {
    ByteBuffer chunk = bytes;
    if (!bom.decided()) {
      chunk = bom.strip(bytes);
      scanner.skipLeading(bom.dropped());
      if (!chunk.hasRemaining()) {
        return;
      }
    }
    int start = chunk.position();
    int limit = chunk.limit();
    records = 0;
    boundary = -1;
    scanner.scan(chunk, recordEnds);
    if (records == 0) {
      pending.append(chunk, start, limit);
    } else {
      int base = pending.size() - start; // the chunk's index i is pending's index base + i
      pending.append(chunk, start, boundary);
      parseRecords(base);
      pending.clear();
      pending.append(chunk, boundary, limit);
    }
    chunk.position(limit);
  }

  @Override
  public Receipt commit() throws IOException {
    try {
      if (!bom.decided()) {
        ByteBuffer heldBack = bom.finish();
        if (heldBack.hasRemaining()) {
          write(heldBack);
        }
      }
      records = 0;
      scanner.finish(recordEnds);
      if (records > 0) {
        parsed = 0;
        split(0, pending.size(), records); // the last record, ended by the input
      }
      pending.clear();
      if (header == null) {
        throw new dev.sluice.core.InvalidInputException(
            "CSV input is empty: expected a header row");
      }
    } catch (IOException | RuntimeException | Error e) {
      rows.abort(e);
      throw e;
    }
    return rows.commit();
  }

  @Override
  public void abort(Throwable cause) {
    rows.abort(cause);
  }

  /** Splits the {@code records} complete records in {@code pending}, batch by batch. */
  private void parseRecords(int base) throws IOException {
    parsed = 0;
    int from = 0;
    int first = 0;
    for (int i = 0; i < records; i++) {
      int end = base + ends[i];
      if (end - from >= BATCH || i == records - 1) {
        split(from, end, i + 1 - first);
        from = end;
        first = i + 1;
      }
    }
  }

  private void split(int from, int to, int expected) throws IOException {
    int found = splitter.split(pending.decode(from, to), this::record);
    if (found != expected) {
      throw new IllegalStateException(
          "the splitter found " + found + " records where the scanner found " + expected);
    }
  }

  private void record(List<String> fields) throws IOException {
    if (parsed >= records) {
      throw new IllegalStateException("the splitter found more records than the scanner");
    }
    if (header == null) {
      header = CsvHeaders.check(fields);
      rows.header(header);
    } else {
      rows.accept(new Row(lines[parsed], offsets[parsed], header, fields));
    }
    parsed++;
  }

  @Override
  public String toString() {
    return "csv → " + rows;
  }
}
