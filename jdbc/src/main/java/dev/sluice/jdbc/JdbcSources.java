package dev.sluice.jdbc;

import dev.sluice.core.Source;
import dev.sluice.jdbc.internal.Database;
import dev.sluice.jdbc.internal.PostgresCopyExportSource;
import dev.sluice.jdbc.internal.QueryExportSource;
import java.io.IOException;
import java.sql.Connection;

/**
 * Sources that stream a query's result as CSV or NDJSON, in flat memory whatever the number of
 * rows: PostgreSQL's through {@code COPY (query) TO STDOUT (FORMAT csv)}, other databases' through
 * a cursor.
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
   * Streams the rows of {@code sql}. CSV has a header row and writes NULL as an unquoted empty
   * field, the empty string as {@code ""}; NDJSON writes one object a row with numbers and booleans
   * typed.
   *
   * <p>On PostgreSQL the rows come from {@code COPY}, which sends them as the server's CSV: a CSV
   * export hands that on untouched, an NDJSON export converts each row in-stream (typed by the
   * query's described columns). Both write the bytes the cursor path writes for the same query, and
   * {@code fetchSize} is not used. A statement {@code COPY} does not take ({@code SHOW}, several
   * statements) or one PostgreSQL refuses (a syntax error, an unknown table) runs through the
   * cursor instead, so its result or its error is the same as ever.
   */
  public static Source query(String url, String sql, RecordFormat format, int fetchSize)
      throws IOException {
    if (fetchSize <= 0) {
      throw new IllegalArgumentException("fetchSize must be > 0: " + fetchSize);
    }
    Connection connection = Database.connect(url);
    if (Database.isPostgres(url)) {
      Source copy = PostgresCopyExportSource.start(connection, sql, format);
      if (copy != null) {
        return copy;
      }
    }
    return new QueryExportSource(connection, sql, format, fetchSize);
  }
}
