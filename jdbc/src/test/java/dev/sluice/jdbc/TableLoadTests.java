package dev.sluice.jdbc;

import static dev.sluice.core.testing.IngestionAssertions.assertAborted;
import static dev.sluice.core.testing.IngestionAssertions.assertAbortedBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.AbortReason;
import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Sinks;
import dev.sluice.core.Source;
import dev.sluice.core.Transforms;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.core.testing.FailingAfterSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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
            .to(JdbcSinks.table(url(), TableLoad.csv(table)))
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
            .to(JdbcSinks.table(url(), TableLoad.ndjson(table)))
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
                .to(JdbcSinks.table(url(), TableLoad.csv(table))),
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
                .to(JdbcSinks.table(url(), TableLoad.ndjson(table))),
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
            .to(JdbcSinks.table(url(), TableLoad.csv(table))),
        failure,
        AbortReason.SOURCE_FAILED);

    assertThat(TestDatabases.count(url(), table)).isZero();
  }

  @Test
  void aCancelledLoadRollsEverythingBack() throws Exception {
    var job =
        Ingestion.from(GeneratedRows.csv(5_000_000))
            .to(JdbcSinks.table(url(), TableLoad.csv(table)))
            .chunkSize(64 * 1024)
            .start();
    await("rows on their way").atMost(Duration.ofSeconds(30)).until(() -> job.bytesOut() > 0);
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
            Ingestion.from(csv).to(JdbcSinks.table(url(), TableLoad.csv(table))),
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
              .to(JdbcSinks.table(url(), TableLoad.csv(created).withCreateTable(true)))
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
            Ingestion.from(csv).to(JdbcSinks.table(url(), TableLoad.csv(missing))),
            AbortReason.INVALID_INPUT);

    assertThat(failure.getCause())
        .isInstanceOf(NoSuchTableException.class)
        .hasMessage("no table " + missing + " (create-table creates it from the CSV header)");
  }

  @Test
  void withoutATableAnNdjsonLoadFailsAtOnceNamingIt() {
    String missing = TestDatabases.uniqueTable("sluice_missing");

    assertThatThrownBy(() -> JdbcSinks.table(url(), TableLoad.ndjson(missing)))
        .isInstanceOf(NoSuchTableException.class)
        .hasMessage("no table " + missing);
  }

  @Test
  void aCsvLineHoldingOnlyBackslashDotIsARowNotTheEndOfTheData() throws Exception {
    String created = TestDatabases.uniqueTable("sluice_eod");
    try {
      IngestionReport report =
          Ingestion.from(source("v\na\n\\.\nb\nc\n"))
              .to(JdbcSinks.table(url(), TableLoad.csv(created).withCreateTable(true)))
              .run();

      assertThat(report.receipt().details()).containsEntry("rows", "4");
      assertThat(TestDatabases.count(url(), created)).isEqualTo(4);
      assertThat(values(created, "v").values()).containsExactlyInAnyOrder("a", "\\.", "b", "c");
    } finally {
      TestDatabases.dropQuietly(url(), created);
    }
  }

  @Test
  void anNdjsonValueHoldingOnlyBackslashDotIsARowNotTheEndOfTheData() throws Exception {
    String created = TestDatabases.uniqueTable("sluice_eod");
    try {
      TestDatabases.execute(
          url(), "CREATE TABLE " + created + " (" + quoted("v") + " " + textType() + ")");
      IngestionReport report =
          Ingestion.from(source("{\"v\":\"a\"}\n{\"v\":\"\\\\.\"}\n{\"v\":\"b\"}\n"))
              .to(JdbcSinks.table(url(), TableLoad.ndjson(created)))
              .run();

      assertThat(report.receipt().details()).containsEntry("rows", "3");
      assertThat(TestDatabases.count(url(), created)).isEqualTo(3);
      assertThat(values(created, "v").values()).containsExactlyInAnyOrder("a", "\\.", "b");
    } finally {
      TestDatabases.dropQuietly(url(), created);
    }
  }

  /**
   * The NULL rule, the same on every loader: in CSV an unquoted empty field is NULL and everything
   * else is the string as written ({@code ""} the empty string, {@code NULL} and {@code \N} words,
   * backslashes kept); in NDJSON a JSON null or a missing key is NULL.
   */
  @Test
  void csvNullIsAnUnquotedEmptyFieldOnlyAndBackslashesSurvive() throws Exception {
    String created = TestDatabases.uniqueTable("sluice_null");
    try {
      String csv = "k,v\n1,\n2,\"\"\n3,NULL\n4,\\N\n5,null\n6,a\\b\\\\c\\\n7,\"NULL\"\n8,\"\\N\"\n";
      IngestionReport report =
          Ingestion.from(source(csv))
              .to(JdbcSinks.table(url(), TableLoad.csv(created).withCreateTable(true)))
              .run();

      assertThat(report.receipt().details()).containsEntry("rows", "8");
      Map<String, String> expected = new HashMap<>();
      expected.put("1", null);
      expected.put("2", "");
      expected.put("3", "NULL");
      expected.put("4", "\\N");
      expected.put("5", "null");
      expected.put("6", "a\\b\\\\c\\");
      expected.put("7", "NULL");
      expected.put("8", "\\N");
      assertThat(values(created, "v")).isEqualTo(expected);
    } finally {
      TestDatabases.dropQuietly(url(), created);
    }
  }

  @Test
  void ndjsonNullIsAJsonNullOrAMissingKeyOnly() throws Exception {
    String created = TestDatabases.uniqueTable("sluice_null");
    try {
      TestDatabases.execute(
          url(),
          "CREATE TABLE "
              + created
              + " ("
              + quoted("k")
              + " "
              + textType()
              + ", "
              + quoted("v")
              + " "
              + textType()
              + ")");
      String ndjson =
          String.join(
              "\n",
              "{\"k\":\"1\",\"v\":null}",
              "{\"k\":\"2\",\"v\":\"\"}",
              "{\"k\":\"3\",\"v\":\"NULL\"}",
              "{\"k\":\"4\",\"v\":\"\\\\N\"}",
              "{\"k\":\"5\"}",
              "{\"k\":\"6\",\"v\":\"a\\\\b\\\\\"}");
      IngestionReport report =
          Ingestion.from(source(ndjson))
              .to(JdbcSinks.table(url(), TableLoad.ndjson(created)))
              .run();

      assertThat(report.receipt().details()).containsEntry("rows", "6");
      Map<String, String> expected = new HashMap<>();
      expected.put("1", null);
      expected.put("2", "");
      expected.put("3", "NULL");
      expected.put("4", "\\N");
      expected.put("5", null);
      expected.put("6", "a\\b\\");
      assertThat(values(created, "v")).isEqualTo(expected);
    } finally {
      TestDatabases.dropQuietly(url(), created);
    }
  }

  private static Source source(String text) {
    return dev.sluice.core.Sources.from(
        new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Column {@code column} of every row, keyed by column {@code k} (or by row number). */
  private Map<String, String> values(String table, String column) throws SQLException {
    Map<String, String> values = new HashMap<>();
    try (Connection connection = DriverManager.getConnection(url());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
      boolean keyed = rows.getMetaData().getColumnCount() > 1;
      int n = 0;
      while (rows.next()) {
        n++;
        values.put(keyed ? rows.getString("k") : String.valueOf(n), rows.getString(column));
      }
    }
    return values;
  }

  /** The type of a text column. */
  protected String textType() {
    return "text";
  }

  /** Quotes a column name as the database does. */
  protected String quoted(String column) {
    return "\"" + column + "\"";
  }
}
