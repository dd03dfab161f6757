package dev.sluice.jdbc;

import dev.sluice.core.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A CSV or NDJSON stream of {@code rows} generated rows (id, name, amount, note), produced as it is
 * read so that a million rows need no memory. Row {@code i} (1-based) has id {@code i}; its note
 * holds a comma and a quote in CSV to exercise quoting. A row can be made malformed.
 */
final class GeneratedRows implements Source {

  private final long rows;
  private final boolean ndjson;
  private final long malformedRow;
  private final byte[] pending = new byte[512];
  private int pendingSize;
  private int pendingPosition;
  private long next;
  private boolean closed;

  private GeneratedRows(long rows, boolean ndjson, long malformedRow) {
    this.rows = rows;
    this.ndjson = ndjson;
    this.malformedRow = malformedRow;
  }

  static GeneratedRows csv(long rows) {
    return new GeneratedRows(rows, false, -1);
  }

  static GeneratedRows ndjson(long rows) {
    return new GeneratedRows(rows, true, -1);
  }

  /** CSV whose data row {@code row} (so line {@code row + 1}) has a missing field. */
  static GeneratedRows csvMalformedAt(long rows, long row) {
    return new GeneratedRows(rows, false, row);
  }

  /** NDJSON whose line {@code row} is not valid JSON. */
  static GeneratedRows ndjsonMalformedAt(long rows, long row) {
    return new GeneratedRows(rows, true, row);
  }

  /** The sum of the ids of the first {@code rows} rows. */
  static long idSum(long rows) {
    return rows * (rows + 1) / 2;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    if (closed) {
      throw new IOException("closed");
    }
    int start = into.position();
    while (into.hasRemaining()) {
      if (pendingPosition == pendingSize && !fill()) {
        break;
      }
      int n = Math.min(into.remaining(), pendingSize - pendingPosition);
      into.put(pending, pendingPosition, n);
      pendingPosition += n;
    }
    int read = into.position() - start;
    return read == 0 ? -1 : read;
  }

  private boolean fill() {
    String line;
    if (next == 0 && !ndjson) {
      line = "id,name,amount,note\n";
    } else {
      if (next == 0) {
        next = 1;
      }
      if (next > rows) {
        return false;
      }
      line = row(next);
    }
    next++;
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, pending, 0, bytes.length);
    pendingSize = bytes.length;
    pendingPosition = 0;
    return true;
  }

  private String row(long i) {
    if (ndjson) {
      if (i == malformedRow) {
        return "{\"id\":" + i + ",\"name\":}\n";
      }
      return "{\"id\":"
          + i
          + ",\"name\":\"name-"
          + i
          + "\",\"amount\":"
          + (i % 1000)
          + ".25,\"note\":\"say \\\"hi\\\", "
          + i
          + "\"}\n";
    }
    if (i == malformedRow) {
      return i + ",name-" + i + "," + (i % 1000) + ".25\n";
    }
    return i + ",name-" + i + "," + (i % 1000) + ".25,\"say \"\"hi\"\", " + i + "\"\n";
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public String toString() {
    return "generated(" + rows + " rows)";
  }
}
