package dev.sluice.records;

import java.util.List;

/**
 * The header row of a CSV stream.
 *
 * @param columns the column names, in order
 * @param lineEnd the header's line end, {@code "\r\n"} or {@code "\n"}; a bulk loader that needs
 *     one fixed terminator (MariaDB's {@code LOAD DATA}) uses it for the whole stream
 */
public record CsvHeader(List<String> columns, String lineEnd) {

  public CsvHeader {
    columns = List.copyOf(columns);
  }

  /** Told of the header once it has been read, before any of the stream is passed on. */
  @FunctionalInterface
  public interface Listener {
    void header(CsvHeader header) throws java.io.IOException;
  }
}
