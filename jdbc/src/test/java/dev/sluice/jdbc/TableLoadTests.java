package dev.sluice.jdbc;

import static dev.sluice.core.testing.IngestionAssertions.assertAborted;
import static dev.sluice.core.testing.IngestionAssertions.assertAbortedBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Ingestion;
import dev.sluice.core.IngestionException;
import dev.sluice.core.IngestionReport;
import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Sinks;
import dev.sluice.core.Source;
import dev.sluice.core.Transforms;
import dev.sluice.core.testing.FailingAfterSource;
import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every table sink does against a real database: round-trips of generated rows (compared byte
 * for byte through an export), and nothing committed after a malformed row or an abort.
 */
abstract class TableLoadTests {

  protected String table;

  /** The database's URL. */
  protected abstract String url();

  /** DDL for the test table: id bigint, name, amount decimal(10,2), note — lower-case names. */
  protected abstract String createTableSql(String table);

  /** Rows for the round trips: a million, or fewer where the database is slow. */
  protected long roundTripRows() {
    return 1_000_000;
  }

  @BeforeEach
  void createTable() throws SQLException {
    TestDatabases.require(url());
    table = TestDatabases.uniqueTable("sluice_t");
    TestDatabases.execute(url(), createTableSql(table));
  }

  @AfterEach
  void dropTable() {
    TestDatabases.dropQuietly(url(), table);
  }

  @Test
  void csvRoundTripsByteForByte() throws Exception {
    long rows = roundTripRows();
    IngestionReport in =
        Ingestion.from(GeneratedRows.csv(rows))
            .through(Transforms.sha256())
            .to(JdbcSinks.open(url(), TableLoad.csv(table)))
            .run();

    assertThat(in.receipt().details()).containsEntry("rows", String.valueOf(rows));
    assertThat(TestDatabases.count(url(), table)).isEqualTo(rows);
    assertThat(TestDatabases.queryLong(url(), "SELECT sum(" + quoted("id") + ") FROM " + table))
        .isEqualTo(GeneratedRows.idSum(rows));
    assertThat(exportSha256(RecordFormat.CSV)).isEqualTo(in.digests().get("sha256"));
  }

  @Test
  void ndjsonRoundTripsByteForByte() throws Exception {
    long rows = roundTripRows() / 5;
    IngestionReport in =
        Ingestion.from(GeneratedRows.ndjson(rows))
            .through(Transforms.sha256())
            .to(JdbcSinks.open(url(), TableLoad.ndjson(table)))
            .run();

    assertThat(TestDatabases.count(url(), table)).isEqualTo(rows);
    assertThat(exportSha256(RecordFormat.NDJSON)).isEqualTo(in.digests().get("sha256"));
  }

  private String exportSha256(RecordFormat format) throws IOException {
    String columns =
        String.join(", ", quoted("id"), quoted("name"), quoted("amount"), quoted("note"));
    String sql = "SELECT " + columns + " FROM " + table + " ORDER BY " + quoted("id");
    return Ingestion.from(JdbcSources.query(url(), sql, format, 5000))
        .through(Transforms.sha256())
        .to(Sinks.discard())
        .run()
        .digests()
        .get("sha256");
  }

  @Test
  void aMalformedCsvRowCommitsNothingAndNamesItsLine() throws Exception {
    IngestionException failure =
        assertAborted(
            Ingestion.from(GeneratedRows.csvMalformedAt(20_000, 12_345))
                .to(JdbcSinks.open(url(), TableLoad.csv(table))),
            AbortReason.INVALID_INPUT);

    assertThat(failure.getCause())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("CSV line 12346, byte ")
        .hasMessageEndingWith(": expected 4 fields as in the header, found 3 fields");
    assertThat(TestDatabases.count(url(), table)).isZero();
  }

  @Test
  void aMalformedNdjsonLineCommitsNothingAndNamesItsLine() throws Exception {
    IngestionException failure =
        assertAborted(
            Ingestion.from(GeneratedRows.ndjsonMalformedAt(20_000, 15_001))
                .to(JdbcSinks.open(url(), TableLoad.ndjson(table))),
            AbortReason.INVALID_INPUT);

    assertThat(failure.getCause())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("NDJSON line 15001, byte ");
    assertThat(TestDatabases.count(url(), table)).isZero();
  }

  @Test
  void aSourceFailingMidStreamRollsEverythingBack() throws Exception {
    IOException failure = new IOException("connection reset by peer");
    assertAbortedBy(
        Ingestion.from(new FailingAfterSource(GeneratedRows.csv(200_000), 4 << 20, failure))
            .to(JdbcSinks.open(url(), TableLoad.csv(table))),
        failure,
        AbortReason.SOURCE_FAILED);

    assertThat(TestDatabases.count(url(), table)).isZero();
  }

  @Test
  void aCancelledLoadRollsEverythingBack() throws Exception {
    var job =
        Ingestion.from(GeneratedRows.csv(5_000_000))
            .to(JdbcSinks.open(url(), TableLoad.csv(table)))
            .chunkSize(64 * 1024)
            .start();
    Thread.sleep(300);
    job.cancel(AbortReason.CANCELLED);

    assertThatThrownBy(job::get).hasCauseInstanceOf(IngestionException.class);
    assertThat(TestDatabases.count(url(), table)).isZero();
  }

  @Test
  void aCsvColumnThatIsNotInTheTableIsAnError() throws Exception {
    Source csv =
        dev.sluice.core.Sources.from(
            new java.io.ByteArrayInputStream("id,colour\n1,red\n".getBytes()));
    IngestionException failure =
        assertAborted(
            Ingestion.from(csv).to(JdbcSinks.open(url(), TableLoad.csv(table))),
            AbortReason.INVALID_INPUT);

    assertThat(failure.getCause())
        .hasMessageStartingWith("CSV line 1: column 'colour' is not in table " + table);
    assertThat(TestDatabases.count(url(), table)).isZero();
  }

  @Test
  void createTableMakesTextColumnsFromTheHeader() throws Exception {
    String created = TestDatabases.uniqueTable("sluice_new");
    try {
      Source csv =
          dev.sluice.core.Sources.from(
              new java.io.ByteArrayInputStream("code,label\nA1,\"x, y\"\nB2,z\n".getBytes()));
      IngestionReport report =
          Ingestion.from(csv)
              .to(JdbcSinks.open(url(), TableLoad.csv(created).withCreateTable(true)))
              .run();

      assertThat(report.receipt().details()).containsEntry("rows", "2");
      assertThat(TestDatabases.count(url(), created)).isEqualTo(2);
      assertThat(
              TestDatabases.queryString(
                  url(),
                  "SELECT "
                      + quoted("label")
                      + " FROM "
                      + created
                      + " WHERE "
                      + quoted("code")
                      + " = 'A1'"))
          .isEqualTo("x, y");
    } finally {
      TestDatabases.dropQuietly(url(), created);
    }
  }

  @Test
  void withoutCreateTableAMissingTableIsAnError() throws Exception {
    String missing = TestDatabases.uniqueTable("sluice_missing");
    Source csv =
        dev.sluice.core.Sources.from(new java.io.ByteArrayInputStream("a\n1\n".getBytes()));
    IngestionException failure =
        assertAborted(
            Ingestion.from(csv).to(JdbcSinks.open(url(), TableLoad.csv(missing))),
            AbortReason.SINK_FAILED);

    assertThat(failure.getCause())
        .hasMessage("no table " + missing + " (create-table creates it from the CSV header)");
  }

  /** Quotes a column name as the database does. */
  protected String quoted(String column) {
    return "\"" + column + "\"";
  }
}
