package dev.sluice.records.internal;

import dev.sluice.core.ForwardingSink;
import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Sink;
import dev.sluice.records.CsvFormat;
import dev.sluice.records.CsvHeader;
import dev.sluice.records.RecordLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Checks a CSV stream record by record and passes its bytes on unchanged, for loaders that parse
 * CSV themselves (PostgreSQL {@code COPY}, MariaDB {@code LOAD DATA}). The header is held back (at
 * most one record) until it is complete, announced to the listener, and then passed on; every later
 * chunk is checked whole before it is passed on.
 */
public final class CsvCheckingSink extends ForwardingSink {

  private static final CsvScanner.Listener IGNORE = (end, line, offset) -> {};

  private final CsvFormat format;
  private final CsvScanner scanner;
  private final CsvHeader.Listener listener;
  private ByteAccumulator headerBytes = new ByteAccumulator(1024);
  private int headerEnd;

  public CsvCheckingSink(
      Sink downstream, CsvFormat format, RecordLimits limits, CsvHeader.Listener listener) {
    super(downstream);
    this.format = format;
    this.scanner = new CsvScanner(format, limits);
    this.listener = listener;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (headerBytes == null) {
      scanner.scan(chunk, IGNORE);
      downstream.write(chunk);
      return;
    }
    int start = chunk.position();
    headerEnd = Integer.MIN_VALUE;
    scanner.scan(
        chunk,
        (end, line, offset) -> {
          if (headerEnd == Integer.MIN_VALUE) {
            headerEnd = end;
          }
        });
    if (headerEnd == Integer.MIN_VALUE) {
      headerBytes.append(chunk, start, chunk.limit());
      chunk.position(chunk.limit());
      return;
    }
    headerBytes.append(chunk, start, headerEnd);
    chunk.position(headerEnd);
    releaseHeader();
    if (chunk.hasRemaining()) {
      downstream.write(chunk);
    }
  }

  @Override
  protected void beforeCommit() throws IOException {
    scanner.finish(IGNORE);
    if (headerBytes != null) {
      if (headerBytes.size() == 0) {
        throw new InvalidInputException("CSV input is empty: expected a header row");
      }
      releaseHeader();
    }
  }

  private void releaseHeader() throws IOException {
    String text = headerBytes.decode(headerBytes.size());
    List<String> columns =
        CsvHeaders.check(CsvHeaders.reader(format).ofSingleCsvRecord(text).getFields());
    listener.header(new CsvHeader(columns, scanner.crlf() ? "\r\n" : "\n"));
    ByteBuffer header = headerBytes.asBuffer();
    headerBytes = null;
    downstream.write(header);
  }

  @Override
  protected String name() {
    return "csv-check";
  }
}
