package dev.sluice.jdbc.internal;

import dev.sluice.core.Receipt;
import dev.sluice.records.CsvEncoder;
import dev.sluice.records.Row;
import dev.sluice.records.RowSink;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Writes parsed rows to a {@link BulkLoader} as CSV that the loader cannot misread: every value
 * quoted, NULL as the loader's unquoted null marker, LF line ends, UTF-8. The input is never passed
 * through as it came, so no byte sequence a user sends ({@code \.}, {@code NULL}, {@code \N}, a
 * backslash, mixed line ends) reaches the loader as anything but data.
 *
 * <p>CSV rows arrive in the header's column order, which {@link Columns#forHeader} matches to the
 * table's before the statement starts; NDJSON rows are mapped key by key to the table's columns (an
 * unknown key is an error naming the line; a missing key is NULL). Output goes to the loader in
 * blocks of 64 KiB. Commit tells the loader how many rows were sent, so a loader that took fewer
 * fails the load rather than committing a part.
 */
public final class BulkLoadRows implements RowSink {

  /** Decides the table's columns for a CSV header and starts the loader's statement. */
  @FunctionalInterface
  public interface Columns {
    /** Returns the table columns the header's names match, in the header's order. */
    List<String> forHeader(List<String> header) throws IOException;
  }

  private static final int BLOCK = 64 * 1024;

  private final BulkLoader loader;
  private final CsvEncoder encoder;
  private final Columns columnsForHeader;
  private final boolean headerLine;
  private final Block out;
  private ColumnIndex indexes;
  private List<String> columns;
  private String[] values;
  private boolean byName;
  private long rows;

  /**
   * For CSV: the columns come from the header through {@code columnsForHeader}. With {@code
   * headerLine} a header row goes first (for a statement that skips one, e.g. {@code COPY … HEADER
   * true}, so that the database's line numbers in errors are the input's, as long as no value spans
   * lines).
   */
  public BulkLoadRows(
      BulkLoader loader, CsvEncoder encoder, Columns columnsForHeader, boolean headerLine) {
    this.loader = loader;
    this.encoder = encoder;
    this.columnsForHeader = columnsForHeader;
    this.headerLine = headerLine;
    this.out = new Block(loader);
  }

  /** For NDJSON: rows are mapped by key to {@code tableColumns}, whose statement has started. */
  public BulkLoadRows(BulkLoader loader, CsvEncoder encoder, List<String> tableColumns) {
    this(loader, encoder, header -> tableColumns, false);
    this.columns = List.copyOf(tableColumns);
    this.byName = true;
    this.values = new String[columns.size()];
    this.indexes = new ColumnIndex(columns);
  }

  @Override
  public void header(List<String> header) throws IOException {
    if (byName) {
      return;
    }
    columns = columnsForHeader.forHeader(header);
    if (headerLine) {
      encoder.write(out, columns);
    }
  }

  @Override
  public void accept(Row row) throws IOException {
    if (columns == null) {
      throw new IllegalStateException("a row before the header: " + loader);
    }
    if (byName) {
      java.util.Arrays.fill(values, null);
      for (int i = 0; i < row.columns().size(); i++) {
        values[indexes.of(row, row.columns().get(i))] = row.values().get(i);
      }
      encoder.write(out, values);
    } else {
      encoder.write(out, row.values());
    }
    rows++;
  }

  @Override
  public Receipt commit() throws IOException {
    try {
      out.flush();
    } catch (IOException | RuntimeException | Error e) {
      loader.abort(e);
      throw e;
    }
    loader.expectRows(rows);
    return loader.commit();
  }

  @Override
  public void abort(Throwable cause) {
    loader.abort(cause);
  }

  @Override
  public String toString() {
    return loader.toString();
  }

  /** A fixed block that is written to the loader whenever it fills; the loader does not keep it. */
  private static final class Block extends OutputStream {

    private final BulkLoader loader;
    private final byte[] block = new byte[BLOCK];
    private int size;

    Block(BulkLoader loader) {
      this.loader = loader;
    }

    @Override
    public void write(int b) throws IOException {
      if (size == block.length) {
        flush();
      }
      block[size++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      while (length > 0) {
        if (size == block.length) {
          flush();
        }
        int n = Math.min(length, block.length - size);
        System.arraycopy(bytes, offset, block, size, n);
        size += n;
        offset += n;
        length -= n;
      }
    }

    @Override
    public void flush() throws IOException {
      if (size > 0) {
        loader.write(ByteBuffer.wrap(block, 0, size));
        size = 0;
      }
    }
  }
}
