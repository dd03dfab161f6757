package dev.sluice.records.internal;

import dev.sluice.core.LimitExceededException;
import dev.sluice.records.ByteAccumulator;
import dev.sluice.records.RecordLimits;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Splits pushed chunks into LF-terminated lines (NDJSON: JSON text never holds a raw LF), carrying
 * an unfinished line to the next chunk. The carry is bounded by the record size limit.
 */
public final class LineFramer {

  /** Told of each complete line, without its line end (a CR before the LF is dropped too). */
  public interface Listener {
    void line(byte[] bytes, int from, int length, long line, long offset) throws IOException;
  }

  private final RecordLimits limits;
  private final String format;
  private final ByteAccumulator pending = new ByteAccumulator(64 * 1024);
  private long line = 1;
  private long offset;

  public LineFramer(String format, RecordLimits limits) {
    this.format = format;
    this.limits = limits;
  }

  /** Counts {@code bytes} dropped before the first line (a byte-order mark) in the offsets. */
  public void skipLeading(int bytes) {
    offset += bytes;
  }

  public void push(ByteBuffer chunk, Listener listener) throws IOException {
    int carried = pending.size();
    pending.append(chunk, chunk.position(), chunk.limit());
    chunk.position(chunk.limit());
    byte[] bytes = pending.array();
    int size = pending.size();
    int from = 0;
    for (int i = carried; i < size; i++) {
      if (bytes[i] == '\n') {
        deliver(bytes, from, i, listener);
        from = i + 1;
      }
    }
    if (size - from > limits.maxRecordSize()) {
      throw tooLong();
    }
    pending.discard(from);
  }

  /** Delivers a last line that has no line end. */
  public void finish(Listener listener) throws IOException {
    if (pending.size() > 0) {
      deliver(pending.array(), 0, pending.size(), listener);
      pending.clear();
    }
  }

  private void deliver(byte[] bytes, int from, int end, Listener listener) throws IOException {
    int length = end - from;
    if (length > limits.maxRecordSize()) {
      throw tooLong();
    }
    long start = offset;
    offset += length + (end < pending.size() ? 1 : 0);
    if (length > 0 && bytes[end - 1] == '\r') {
      length--;
    }
    listener.line(bytes, from, length, line++, start);
  }

  private LimitExceededException tooLong() {
    return new LimitExceededException(
        format + " record at line " + line + " (byte " + offset + ")", limits.maxRecordSize());
  }
}
