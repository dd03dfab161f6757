package dev.sluice.records.internal;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
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
 * last one) are split into fields by {@link CsvSplitter} in one batch, and the unfinished tail is
 * carried to the next chunk. The carry is at most one record, which the limits bound. A byte-order
 * mark at the start is dropped; with {@link CsvFormat#unquotedEmptyIsNull()} an unquoted empty
 * field is {@code null}.
 */
public final class CsvParsingSink implements Sink {

  private final CsvSplitter splitter;
  private final CsvScanner scanner;
  private final LeadingBom bom = new LeadingBom();
  private final RowSink rows;
  private final ByteAccumulator pending = new ByteAccumulator(64 * 1024);
  private long[] lines = new long[256];
  private long[] offsets = new long[256];
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
        }
        lines[records] = line;
        offsets[records] = offset;
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
      pending.append(chunk, start, boundary);
      parsePending(pending.size());
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
        parsePending(pending.size());
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

  private void parsePending(int length) throws IOException {
    parsed = 0;
    int found = splitter.split(pending.decode(length), this::record);
    if (found != records) {
      throw new IllegalStateException(
          "the splitter found " + found + " records where the scanner found " + records);
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
