package dev.sluice.redis.internal;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * Picks a parser from the input's first non-blank byte: NDJSON if it is <code>{</code>, CSV
 * otherwise. Leading blank bytes go to the chosen parser too, so line numbers stay true; an input
 * that is blank (or empty) throughout goes to the NDJSON parser, which skips blank lines.
 */
public final class SniffingSink implements Sink {

  private final Function<Boolean, Sink> parserForNdjson;
  private Sink parser;

  /** {@code parserForNdjson.apply(true)} makes the NDJSON parser, {@code (false)} the CSV one. */
  public SniffingSink(Function<Boolean, Sink> parserForNdjson) {
    this.parserForNdjson = parserForNdjson;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (parser == null) {
      for (int i = chunk.position(); i < chunk.limit(); i++) {
        byte b = chunk.get(i);
        if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
          parser = parserForNdjson.apply(b == '{');
          break;
        }
      }
      if (parser == null) {
        parser = parserForNdjson.apply(true);
      }
    }
    parser.write(chunk);
  }

  @Override
  public Receipt commit() throws IOException {
    if (parser == null) {
      parser = parserForNdjson.apply(true);
    }
    return parser.commit();
  }

  @Override
  public void abort(Throwable cause) {
    if (parser == null) {
      parser = parserForNdjson.apply(true);
    }
    parser.abort(cause);
  }

  @Override
  public String toString() {
    return parser == null ? "csv-or-ndjson" : parser.toString();
  }
}
