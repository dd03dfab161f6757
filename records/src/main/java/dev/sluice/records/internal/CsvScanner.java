package dev.sluice.records.internal;

import dev.sluice.core.InvalidInputException;
import dev.sluice.core.LimitExceededException;
import dev.sluice.records.CsvFormat;
import dev.sluice.records.RecordLimits;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Finds RFC 4180 record boundaries in pushed chunks, respecting quotes that span chunks, and checks
 * the rules that can be checked byte by byte: quoting, the same field count as the header, and the
 * limits. It keeps a few counters and no bytes, so it runs in constant memory; callers that need
 * the fields buffer the bytes of one record and hand them to a parser.
 *
 * <p>Lines are counted from 1 and byte offsets from 0. An empty line is a record of one empty
 * field, so it is an error in a CSV of more than one column.
 */
public final class CsvScanner {

  /** Told of each record as it completes. */
  public interface Listener {
    /**
     * A record ended.
     *
     * @param end the index in the scanned chunk just past the record's line end, or -1 when the
     *     record ended with the input
     * @param line the line where the record starts
     * @param offset the byte offset where the record starts
     */
    void record(int end, long line, long offset) throws IOException;
  }

  private static final int FIELD_START = 0;
  private static final int UNQUOTED = 1;
  private static final int QUOTED = 2;
  private static final int QUOTE_IN_QUOTED = 3;
  private static final int AFTER_CR = 4;

  private final byte delimiter;
  private final RecordLimits limits;

  private int state = FIELD_START;
  private long position;
  private long line = 1;
  private long recordLine = 1;
  private long recordOffset;
  private int fields;
  private int fieldSize;
  private int expectedFields = -1;
  private boolean crlf;
  private byte[] scratch = new byte[0];

  public CsvScanner(CsvFormat format, RecordLimits limits) {
    this.delimiter = (byte) format.delimiter();
    this.limits = limits;
  }

  /** The number of fields in the header, or -1 before the header has ended. */
  public int headerFields() {
    return expectedFields;
  }

  /** True if the header ended with CR LF rather than LF alone. */
  public boolean crlf() {
    return crlf;
  }

  /**
   * Counts {@code bytes} dropped before the first record (a byte-order mark) in the byte offsets,
   * so that messages name offsets in the input as it was sent.
   */
  public void skipLeading(int bytes) {
    position += bytes;
    recordOffset += bytes;
  }

  /** The number of bytes scanned so far. */
  public long position() {
    return position;
  }

  /**
   * Scans the remaining bytes of {@code chunk} without moving its position. The bytes are copied
   * once into a reused array; runs of plain field bytes (and of quoted content) are skipped in
   * tight loops, and sizes are checked once per run.
   */
  public void scan(ByteBuffer chunk, Listener listener) throws IOException {
    int start = chunk.position();
    int n = chunk.remaining();
    if (scratch.length < n) {
      scratch = new byte[n];
    }
    byte[] buf = scratch;
    chunk.get(start, buf, 0, n);
    long base = position;
    byte d = delimiter;
    int i = 0;
    while (i < n) {
      if (state == UNQUOTED) {
        int run = i;
        while (i < n) {
          byte b = buf[i];
          if (b == d || b == '\n' || b == '\r' || b == '"') {
            break;
          }
          i++;
        }
        fieldSize += i - run;
        if (fieldSize > limits.maxFieldSize()) {
          throw fieldTooLarge();
        }
        if (i == n) {
          break;
        }
        byte b = buf[i];
        long at = base + i;
        if (b == d) {
          endField(at);
          state = FIELD_START;
        } else if (b == '\n') {
          endField(at);
          endRecord(start + i + 1, at + 1, 1, listener);
          state = FIELD_START;
        } else if (b == '\r') {
          endField(at);
          state = AFTER_CR;
        } else {
          throw invalid(
              at, "a quote inside an unquoted field (quote the whole field and double the quote)");
        }
        i++;
      } else if (state == QUOTED) {
        int run = i;
        while (i < n) {
          byte b = buf[i];
          if (b == '"') {
            break;
          }
          if (b == '\n') {
            line++;
          }
          i++;
        }
        fieldSize += i - run;
        if (fieldSize > limits.maxFieldSize()) {
          throw fieldTooLarge();
        }
        if (i < n) {
          state = QUOTE_IN_QUOTED;
          i++;
        }
      } else {
        step(buf[i], start + i, base + i, listener);
        i++;
      }
    }
    position = base + n;
    if (position - recordOffset > limits.maxRecordSize()) {
      throw recordTooLarge();
    }
  }

  /** One byte in the states that decide at every byte: field start, after CR, after a quote. */
  private void step(byte b, int index, long at, Listener listener) throws IOException {
    switch (state) {
      case AFTER_CR -> {
        if (b == '\n') {
          if (expectedFields < 0) {
            crlf = true;
          }
          endRecord(index + 1, at + 1, 2, listener);
          state = FIELD_START;
          return;
        }
        endRecord(index, at, 1, listener);
        state = FIELD_START;
        fieldStart(b, index, at, listener);
      }
      case FIELD_START -> fieldStart(b, index, at, listener);
      default -> { // QUOTE_IN_QUOTED
        if (b == '"') {
          state = QUOTED;
          if (++fieldSize > limits.maxFieldSize()) {
            throw fieldTooLarge();
          }
        } else if (b == delimiter) {
          endField(at);
          state = FIELD_START;
        } else if (b == '\n') {
          endField(at);
          endRecord(index + 1, at + 1, 1, listener);
          state = FIELD_START;
        } else if (b == '\r') {
          endField(at);
          state = AFTER_CR;
        } else {
          throw invalid(
              at,
              "character "
                  + printable(b)
                  + " after a closing quote (expected a delimiter or a line end)");
        }
      }
    }
  }

  /** Ends the input: completes a last record that has no line end, or fails if one is open. */
  public void finish(Listener listener) throws IOException {
    switch (state) {
      case QUOTED ->
          throw invalid(
              position, "the input ends inside a quoted field that starts on line " + recordLine);
      case AFTER_CR -> endRecord(-1, position, 1, listener);
      default -> {
        if (position > recordOffset) {
          endField(position);
          endRecord(-1, position, 0, listener);
        }
      }
    }
    state = FIELD_START;
  }

  private void fieldStart(byte b, int i, long at, Listener listener) throws IOException {
    fieldSize = 0;
    if (b == '"') {
      state = QUOTED;
    } else if (b == delimiter) {
      endField(at);
    } else if (b == '\n') {
      endField(at);
      endRecord(i + 1, at + 1, 1, listener);
    } else if (b == '\r') {
      endField(at);
      state = AFTER_CR;
    } else {
      state = UNQUOTED;
      fieldSize = 1;
    }
  }

  private void endField(long at) throws IOException {
    if (++fields > limits.maxColumns()) {
      throw new LimitExceededException(
          "CSV column count at line " + line + " (byte " + at + ")", limits.maxColumns());
    }
  }

  private void endRecord(int end, long next, int terminator, Listener listener) throws IOException {
    if (expectedFields < 0) {
      expectedFields = fields;
    } else if (fields != expectedFields) {
      String found =
          next - recordOffset == terminator
              ? "an empty line"
              : fields + (fields == 1 ? " field" : " fields");
      throw invalid(
          recordLine,
          recordOffset,
          "expected " + expectedFields + " fields as in the header, found " + found);
    }
    listener.record(end, recordLine, recordOffset);
    fields = 0;
    fieldSize = 0;
    line++;
    recordLine = line;
    recordOffset = next;
  }

  private LimitExceededException recordTooLarge() {
    return new LimitExceededException(
        "CSV record at line " + recordLine + " (byte " + recordOffset + ")",
        limits.maxRecordSize());
  }

  private LimitExceededException fieldTooLarge() {
    return new LimitExceededException(
        "CSV field at line " + line + " (record at byte " + recordOffset + ")",
        limits.maxFieldSize());
  }

  private InvalidInputException invalid(long at, String rule) {
    return invalid(line, at, rule);
  }

  private static InvalidInputException invalid(long line, long at, String rule) {
    return new InvalidInputException("CSV line " + line + ", byte " + at + ": " + rule);
  }

  private static String printable(byte b) {
    return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b & 0xff);
  }
}
