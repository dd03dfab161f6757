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

  /** The number of bytes scanned so far. */
  public long position() {
    return position;
  }

  /** Scans the remaining bytes of {@code chunk} without moving its position. */
  public void scan(ByteBuffer chunk, Listener listener) throws IOException {
    int start = chunk.position();
    int limit = chunk.limit();
    long base = position - start;
    int maxField = limits.maxFieldSize();
    for (int i = start; i < limit; i++) {
      byte b = chunk.get(i);
      long at = base + i;
      if (at - recordOffset >= limits.maxRecordSize()) {
        throw new LimitExceededException(
            "CSV record at line " + recordLine + " (byte " + recordOffset + ")",
            limits.maxRecordSize());
      }
      switch (state) {
        case AFTER_CR -> {
          if (b == '\n') {
            if (expectedFields < 0) {
              crlf = true;
            }
            endRecord(i + 1, at + 1, 2, listener);
            state = FIELD_START;
            continue;
          }
          endRecord(i, at, 1, listener);
          state = FIELD_START;
          fieldStart(b, i, at, listener);
        }
        case FIELD_START -> fieldStart(b, i, at, listener);
        case UNQUOTED -> {
          if (b == delimiter) {
            endField(at);
            state = FIELD_START;
          } else if (b == '\n') {
            endField(at);
            endRecord(i + 1, at + 1, 1, listener);
            state = FIELD_START;
          } else if (b == '\r') {
            endField(at);
            state = AFTER_CR;
          } else if (b == '"') {
            throw invalid(
                at,
                "a quote inside an unquoted field (quote the whole field and double the quote)");
          } else if (++fieldSize > maxField) {
            throw fieldTooLarge();
          }
        }
        case QUOTED -> {
          if (b == '"') {
            state = QUOTE_IN_QUOTED;
          } else {
            if (b == '\n') {
              line++;
            }
            if (++fieldSize > maxField) {
              throw fieldTooLarge();
            }
          }
        }
        default -> { // QUOTE_IN_QUOTED
          if (b == '"') {
            state = QUOTED;
            if (++fieldSize > maxField) {
              throw fieldTooLarge();
            }
          } else if (b == delimiter) {
            endField(at);
            state = FIELD_START;
          } else if (b == '\n') {
            endField(at);
            endRecord(i + 1, at + 1, 1, listener);
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
    position = base + limit;
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
