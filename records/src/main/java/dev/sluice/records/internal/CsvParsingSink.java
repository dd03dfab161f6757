package dev.sluice.records.internal;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
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
 * Parses pushed CSV chunks into rows. The {@link CsvScanner} finds where complete records end; the
 * complete records of each chunk (plus the unfinished record carried over from the last one) are
 * handed to FastCSV in one batch, and the unfinished tail is carried to the next chunk. The carry
 * is at most one record, which the limits bound.
 */
public final class CsvParsingSink implements Sink {

  private final CsvReader.CsvReaderBuilder reader;
  private final CsvScanner scanner;
  private final RowSink rows;
  private final ByteAccumulator pending = new ByteAccumulator(64 * 1024);
  private long[] lines = new long[256];
  private long[] offsets = new long[256];
  private int records;
  private int boundary;
  private List<String> header;

  public CsvParsingSink(CsvFormat format, RecordLimits limits, RowSink rows) {
    this.reader = CsvHeaders.reader(format);
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
  public void write(ByteBuffer chunk) throws IOException {
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
    int index = 0;
    try (CsvReader<CsvRecord> batch = reader.ofCsvRecord(pending.decode(length))) {
      for (CsvRecord record : batch) {
        if (index >= records) {
          throw new IllegalStateException("FastCSV found more records than the scanner");
        }
        List<String> fields = record.getFields();
        if (header == null) {
          header = CsvHeaders.check(fields);
          rows.header(header);
        } else {
          rows.accept(new Row(lines[index], offsets[index], header, fields));
        }
        index++;
      }
    }
    if (index != records) {
      throw new IllegalStateException(
          "FastCSV found " + index + " records where the scanner found " + records);
    }
  }

  @Override
  public String toString() {
    return "csv → " + rows;
  }
}
