package dev.sluice.records;

/**
 * The dialect of a CSV stream: RFC 4180 (a header row, fields quoted with {@code "} and quotes
 * doubled inside them, CRLF, LF or CR line ends) with a configurable field delimiter, and whether
 * an unquoted empty field reads as {@code null}.
 *
 * <p>RFC 4180 has no NULL. With {@link #withUnquotedEmptyAsNull} the parser follows PostgreSQL's
 * {@code COPY … (FORMAT csv)}: an unquoted empty field ({@code a,,b}) is {@code null}, a quoted one
 * ({@code a,"",b}) the empty string, and every other field the string as written ({@code NULL},
 * {@code \N} and backslashes included). The table loaders always read CSV this way.
 *
 * @param delimiter the field delimiter, {@code ,} by default; not a quote, CR or LF
 * @param unquotedEmptyIsNull whether an unquoted empty field is {@code null} (else {@code ""})
 */
public record CsvFormat(char delimiter, boolean unquotedEmptyIsNull) {

  public CsvFormat {
    if (delimiter == '"' || delimiter == '\r' || delimiter == '\n' || delimiter > 0x7f) {
      throw new IllegalArgumentException(
          "delimiter must be an ASCII character other than a quote, CR or LF: " + (int) delimiter);
    }
  }

  /** {@code delimiter}-separated, empty fields read as empty strings. */
  public CsvFormat(char delimiter) {
    this(delimiter, false);
  }

  /** Comma-separated, as RFC 4180 describes; empty fields read as empty strings. */
  public static CsvFormat rfc4180() {
    return new CsvFormat(',');
  }

  /** A copy with another delimiter, e.g. {@code '\t'} or {@code ';'}. */
  public CsvFormat withDelimiter(char delimiter) {
    return new CsvFormat(delimiter, unquotedEmptyIsNull);
  }

  /** A copy where an unquoted empty field reads as {@code null}, as PostgreSQL's COPY reads it. */
  public CsvFormat withUnquotedEmptyAsNull(boolean unquotedEmptyIsNull) {
    return new CsvFormat(delimiter, unquotedEmptyIsNull);
  }
}
