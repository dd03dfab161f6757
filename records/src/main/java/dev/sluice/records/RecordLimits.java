package dev.sluice.records;

/**
 * Maxima that keep record parsing in bounded memory: a hostile or broken stream (an unterminated
 * quote, a line with no end) fails with {@link dev.sluice.core.LimitExceededException} naming the
 * limit, instead of growing a buffer without end.
 *
 * @param maxFieldSize the largest field, in bytes as they appear in the input
 * @param maxRecordSize the largest record (one CSV row or one NDJSON line), in bytes; this bounds
 *     the only buffer that grows with the input
 * @param maxColumns the most fields in one record (CSV) or keys in one object (NDJSON)
 */
public record RecordLimits(int maxFieldSize, int maxRecordSize, int maxColumns) {

  /** The default largest field: 1 MiB. */
  public static final int DEFAULT_MAX_FIELD_SIZE = 1 << 20;

  /** The default largest record: 4 MiB. */
  public static final int DEFAULT_MAX_RECORD_SIZE = 4 << 20;

  /** The default most columns: 1,024. */
  public static final int DEFAULT_MAX_COLUMNS = 1024;

  public RecordLimits {
    if (maxFieldSize <= 0) {
      throw new IllegalArgumentException("maxFieldSize must be > 0: " + maxFieldSize);
    }
    if (maxRecordSize < maxFieldSize) {
      throw new IllegalArgumentException(
          "maxRecordSize must be >= maxFieldSize: " + maxRecordSize + " < " + maxFieldSize);
    }
    if (maxColumns <= 0) {
      throw new IllegalArgumentException("maxColumns must be > 0: " + maxColumns);
    }
  }

  /** 1 MiB fields, 4 MiB records, 1,024 columns. */
  public static RecordLimits defaults() {
    return new RecordLimits(DEFAULT_MAX_FIELD_SIZE, DEFAULT_MAX_RECORD_SIZE, DEFAULT_MAX_COLUMNS);
  }

  /** A copy with another largest field. */
  public RecordLimits withMaxFieldSize(int bytes) {
    return new RecordLimits(bytes, Math.max(bytes, maxRecordSize), maxColumns);
  }

  /** A copy with another largest record. */
  public RecordLimits withMaxRecordSize(int bytes) {
    return new RecordLimits(Math.min(maxFieldSize, bytes), bytes, maxColumns);
  }

  /** A copy with another most columns. */
  public RecordLimits withMaxColumns(int columns) {
    return new RecordLimits(maxFieldSize, maxRecordSize, columns);
  }
}
