package dev.sluice.redis;

import dev.sluice.core.Source;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.LongFunction;

/**
 * Generates {@code count} lines on the fly, never holding more than one line: line {@code i}
 * (1-based) is {@code lines.apply(i)} plus a newline. For millions of records without a file.
 */
final class RecordsSource implements Source {

  private final long count;
  private final LongFunction<String> lines;
  private long next = 1;
  private ByteBuffer pending = ByteBuffer.allocate(0);

  RecordsSource(long count, LongFunction<String> lines) {
    this.count = count;
    this.lines = lines;
  }

  /** NDJSON objects with an id, a name, a score and a nested array. */
  static RecordsSource ndjson(long count) {
    return new RecordsSource(
        count,
        i ->
            "{\"id\":"
                + i
                + ",\"name\":\"user-"
                + i
                + "\",\"score\":"
                + (i % 100)
                + ",\"tags\":[\"a\",\"b\"]}");
  }

  /** A CSV header (line 1) and {@code count - 1} rows id,name,score. */
  static RecordsSource csv(long count) {
    return new RecordsSource(
        count, i -> i == 1 ? "id,name,score" : (i - 1) + ",\"user, " + (i - 1) + "\"," + (i % 7));
  }

  /** The same lines, except line {@code n}, which is {@code bad}. */
  RecordsSource withLine(long n, String bad) {
    LongFunction<String> good = lines;
    return new RecordsSource(count, i -> i == n ? bad : good.apply(i));
  }

  @Override
  public int read(ByteBuffer into) {
    int start = into.position();
    while (into.hasRemaining()) {
      if (!pending.hasRemaining()) {
        if (next > count) {
          break;
        }
        pending = ByteBuffer.wrap((lines.apply(next++) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      int n = Math.min(into.remaining(), pending.remaining());
      into.put(into.position(), pending, pending.position(), n);
      into.position(into.position() + n);
      pending.position(pending.position() + n);
    }
    int read = into.position() - start;
    return read == 0 ? -1 : read;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "records(" + count + ")";
  }
}
