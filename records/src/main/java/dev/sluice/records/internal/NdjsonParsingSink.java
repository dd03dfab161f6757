package dev.sluice.records.internal;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.records.RecordLimits;
import dev.sluice.records.Row;
import dev.sluice.records.RowSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses pushed NDJSON chunks into rows, one per non-blank line. A byte-order mark at the start is
 * dropped.
 */
public final class NdjsonParsingSink implements Sink {

  private final LineFramer framer;
  private final NdjsonLineParser parser;
  private final RowSink rows;
  private final LineFramer.Listener toRows;
  private final LeadingBom bom = new LeadingBom();

  public NdjsonParsingSink(RecordLimits limits, RowSink rows) {
    this.framer = new LineFramer("NDJSON", limits);
    this.parser = new NdjsonLineParser(limits);
    this.rows = rows;
    this.toRows =
        (bytes, from, length, line, offset) -> {
          List<String> names = new ArrayList<>();
          List<String> values = new ArrayList<>();
          boolean parsed =
              parser.parse(
                  bytes,
                  from,
                  length,
                  line,
                  offset,
                  (name, value) -> {
                    names.add(name);
                    values.add(value);
                  });
          if (parsed) {
            rows.accept(
                new Row(
                    line,
                    offset,
                    Collections.unmodifiableList(names),
                    Collections.unmodifiableList(values)));
          }
        };
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (!bom.decided()) {
      ByteBuffer rest = bom.strip(chunk);
      framer.skipLeading(bom.dropped());
      framer.push(rest, toRows);
      return;
    }
    framer.push(chunk, toRows);
  }

  @Override
  public Receipt commit() throws IOException {
    try {
      if (!bom.decided()) {
        framer.push(bom.finish(), toRows);
      }
      framer.finish(toRows);
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

  @Override
  public String toString() {
    return "ndjson → " + rows;
  }
}
