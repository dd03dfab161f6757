package dev.sluice.records;

/**
 * The dialect of a CSV stream: RFC 4180 (a header row, fields quoted with {@code "} and quotes
 * doubled inside them, CRLF or LF line ends) with a configurable field delimiter.
 *
 * @param delimiter the field delimiter, {@code ,} by default; not a quote, CR or LF
 */
public record CsvFormat(char delimiter) {

  public CsvFormat {
    if (delimiter == '"' || delimiter == '\r' || delimiter == '\n' || delimiter > 0x7f) {
      throw new IllegalArgumentException(
          "delimiter must be an ASCII character other than a quote, CR or LF: " + (int) delimiter);
    }
  }

  /** Comma-separated, as RFC 4180 describes. */
  public static CsvFormat rfc4180() {
    return new CsvFormat(',');
  }

  /** A copy with another delimiter, e.g. {@code '\t'} or {@code ';'}. */
  public CsvFormat withDelimiter(char delimiter) {
    return new CsvFormat(delimiter);
  }
}
