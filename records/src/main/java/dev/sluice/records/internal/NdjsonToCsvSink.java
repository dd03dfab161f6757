package dev.sluice.records.internal;

import dev.sluice.core.ForwardingSink;
import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Sink;
import dev.sluice.records.CsvEncoder;
import dev.sluice.records.RecordLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts NDJSON to CSV rows of fixed columns as the bytes flow, for bulk loaders that read CSV:
 * each object's keys are mapped to columns by name (exactly, else ignoring case), a missing key or
 * a JSON null becomes NULL, and a key that names no column is an error naming the line. The output
 * has no header row. Output is passed on in blocks of about 64 KiB.
 */
public final class NdjsonToCsvSink extends ForwardingSink {

  private static final int FLUSH_AT = 64 * 1024;

  private final List<String> columns;
  private final Map<String, Integer> indexes = new HashMap<>();
  private final CsvEncoder encoder;
  private final LineFramer framer;
  private final NdjsonLineParser parser;
  private final ByteAccumulator out = new ByteAccumulator(FLUSH_AT + 4096);
  private final String[] values;
  private final LineFramer.Listener convert;
  private long rows;

  public NdjsonToCsvSink(
      Sink downstream, List<String> columns, CsvEncoder encoder, RecordLimits limits) {
    super(downstream);
    this.columns = List.copyOf(columns);
    for (int i = 0; i < columns.size(); i++) {
      indexes.putIfAbsent(columns.get(i), i);
      indexes.putIfAbsent(columns.get(i).toLowerCase(Locale.ROOT), i);
    }
    this.encoder = encoder;
    this.framer = new LineFramer("NDJSON", limits);
    this.parser = new NdjsonLineParser(limits);
    this.values = new String[columns.size()];
    this.convert = this::convertLine;
  }

  private void convertLine(byte[] bytes, int from, int length, long line, long offset)
      throws IOException {
    Arrays.fill(values, null);
    boolean parsed =
        parser.parse(
            bytes,
            from,
            length,
            line,
            offset,
            (name, value) -> {
              Integer index = indexes.get(name);
              if (index == null) {
                index = indexes.get(name.toLowerCase(Locale.ROOT));
              }
              if (index == null) {
                throw new InvalidInputException(
                    "NDJSON line "
                        + line
                        + ", byte "
                        + offset
                        + ": key '"
                        + name
                        + "' names no column (columns: "
                        + String.join(", ", columns)
                        + ")");
              }
              values[index] = value;
            });
    if (parsed) {
      encoder.write(out, values);
      rows++;
      if (out.size() >= FLUSH_AT) {
        flush();
      }
    }
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    framer.push(chunk, convert);
  }

  @Override
  protected void beforeCommit() throws IOException {
    framer.finish(convert);
    flush();
  }

  /** The number of rows converted so far. */
  public long rows() {
    return rows;
  }

  private void flush() throws IOException {
    if (out.size() > 0) {
      downstream.write(out.asBuffer());
      out.clear();
    }
  }

  @Override
  protected String name() {
    return "ndjson-to-csv";
  }
}
