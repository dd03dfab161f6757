package dev.sluice.jdbc;

import dev.sluice.core.Source;
import dev.sluice.jdbc.internal.Database;
import dev.sluice.jdbc.internal.QueryExportSource;
import java.io.IOException;

/**
 * Sources that stream a query's result as CSV or NDJSON through a database cursor, in flat memory
 * whatever the number of rows.
 *
 * {@snippet :
 * Ingestion.from(JdbcSources.query(url, "SELECT * FROM events", RecordFormat.CSV, 10_000))
 *     .to(Sinks.file(Path.of("events.csv")))
 *     .run();
 * }
 */
public final class JdbcSources {

  /** The default number of rows fetched per round trip: 10,000. */
  public static final int DEFAULT_FETCH_SIZE = 10_000;

  private JdbcSources() {}

  /**
   * Streams the rows of {@code sql}. CSV has a header row and writes NULL as an empty field; NDJSON
   * writes one object a row with numbers and booleans typed.
   */
  public static Source query(String url, String sql, RecordFormat format, int fetchSize)
      throws IOException {
    if (fetchSize <= 0) {
      throw new IllegalArgumentException("fetchSize must be > 0: " + fetchSize);
    }
    return new QueryExportSource(Database.connect(url), sql, format, fetchSize);
  }
}
