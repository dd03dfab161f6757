package dev.sluice.jdbc;

import static dev.sluice.core.testing.IngestionAssertions.assertAbortedBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Source;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.testing.FailingSink;
import dev.sluice.jdbc.internal.Database;
import dev.sluice.jdbc.internal.QueryExportSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL exports run through {@code COPY (query) TO STDOUT (FORMAT csv)} and write the bytes
 * the cursor export writes for the same query, CSV and NDJSON; a statement COPY refuses falls back
 * to the cursor with the same result or error; closing mid-stream (directly, through the engine, or
 * while a read waits on the server) leaves no COPY running.
 */
class PostgresCopyExportIT {

  private static final String URL = TestDatabases.POSTGRES;
  private static final String TABLE = TestDatabases.uniqueTable("sluice_copyout");
  private static final Duration PROMPTLY = Duration.ofSeconds(20);

  /** Threads of their own: the common pool may have one thread, which a blocked read would hold. */
  private static final ExecutorService THREADS = Executors.newCachedThreadPool();

  @BeforeAll
  static void createTable() throws Exception {
    TestDatabases.require(URL);
    TestDatabases.execute(
        URL,
        "CREATE TABLE "
            + TABLE
            + " (id int PRIMARY KEY, txt text, num numeric, f8 float8, f4 real, flag boolean,"
            + " ts timestamp, tz timestamptz, d date, js jsonb, arr text[], raw bytea,"
            + " span interval, uid uuid, ch char(3))");
    TestDatabases.execute(
        URL,
        "INSERT INTO "
            + TABLE
            + " VALUES"
            + " (1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            + "  NULL),"
            + " (2, '', 0, 0, 0, false, '2026-12-06 13:30:00', '2026-12-06 13:30:00+00',"
            + "  '2026-12-06', '\"\"', '{}', '', '0', '00000000-0000-0000-0000-000000000000', ''),"
            + " (3, 'say \"hi\", there', -12345678901234567890.123456789, -1.5e-300, 3.25, true,"
            + "  '2026-12-06 13:30:00.123456', '2026-12-06 13:30:00.5+05:30', 'infinity',"
            + "  '{\"a\": [1, \"x,y\"], \"q\": \"\\\"\"}', '{\"a,b\",\"c\\\"d\",NULL}',"
            + "  '\\x00ff0a22', '1 day 02:03:04.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a,b'),"
            + " (4, E'line1\\nline2\\r\\nline3\\rend', 'NaN', 'NaN', '-Infinity', NULL,"
            + "  '-infinity', '1999-01-08 04:05:06 America/New_York', '0044-03-15 BC', 'null',"
            + "  ARRAY[E'x\\ny'], E'\\\\x', '-1 year -2 mons', NULL, E'\\n'),"
            + " (5, 'żółć 😀 日本語 \uFEFFbom', 1e20, 'Infinity', 1.17549e-38, true, NULL, NULL, NULL,"
            + "  '\"😀\"', ARRAY['😀'], NULL, NULL, NULL, 'ü'),"
            + " (6, E'a\\\\b\\\\\\\\c\\\\', 42, 0.1, 0.1, false, NULL, NULL, NULL, '1.50', NULL, NULL,"
            + "  NULL, NULL, 'NUL'),"
            + " (7, 'NULL', 7, 7, 7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
            + " (8, '\\N', 8, 8, 8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '\\N'),"
            + " (9, '\\.', 9, 9, 9, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '\\.'),"
            + " (10, '  padded\t', 10, 10, 10, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            + "  NULL, ' '),"
            + " (11, '\"', 11, 11, 11, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '\"')");
  }

  @AfterAll
  static void dropTable() {
    THREADS.shutdownNow();
    TestDatabases.dropQuietly(URL, TABLE);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "SELECT * FROM %s ORDER BY id",
        "SELECT txt FROM %s ORDER BY id",
        "SELECT ch FROM %s ORDER BY id",
        "SELECT txt AS \"\\.\" FROM %s ORDER BY id",
        "SELECT id AS \"a,b\", txt AS \"say \"\"hi\"\"\", num AS \"é\", ch AS \"\\.\" FROM %s"
            + " ORDER BY id",
        "SELECT * FROM %s WHERE false",
        "SELECT * FROM %s ORDER BY id;  ",
        "SELECT * FROM %s ORDER BY id -- a trailing comment",
        "VALUES (1, NULL::text), (2, ''), (3, 'x') -- %s",
      })
  void anExportThroughCopyWritesTheCursorExportsBytes(String template) throws Exception {
    String sql = template.formatted(TABLE);

    for (RecordFormat format : RecordFormat.values()) {
      Source copy = JdbcSources.query(URL, sql, format, 3);
      String copied = readAll(copy);
      String cursor = readAll(new QueryExportSource(Database.connect(URL), sql, format, 3));

      String name = format.name().toLowerCase(Locale.ROOT);
      assertThat(copy).hasToString("query(" + name + ", COPY)");
      assertThat(copied).as(name).isEqualTo(cursor);
    }
  }

  @Test
  void nullIsAnUnquotedEmptyFieldAndTheEmptyStringIsQuoted() throws Exception {
    String sql =
        "SELECT * FROM (VALUES (1, NULL::text), (2, ''), (3, 'a,\"b\"'), (4, E'x\\ny'))"
            + " v(id, \"s t\")";

    String csv = readAll(JdbcSources.query(URL, sql, RecordFormat.CSV, 10));

    assertThat(csv).isEqualTo("id,s t\n1,\n2,\"\"\n3,\"a,\"\"b\"\"\"\n4,\"x\ny\"\n");
  }

  @Test
  void aStatementCopyDoesNotTakeRunsThroughTheCursor() throws Exception {
    Source csv = JdbcSources.query(URL, "SHOW server_version_num", RecordFormat.CSV, 10);
    Source ndjson = JdbcSources.query(URL, "SHOW server_version_num", RecordFormat.NDJSON, 10);

    assertThat(csv).hasToString("query(csv)");
    assertThat(readAll(csv)).matches("server_version_num\n\\d+\n");
    assertThat(ndjson).hasToString("query(ndjson)");
    assertThat(readAll(ndjson)).matches("\\{\"server_version_num\":\"\\d+\"}\n");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "SELECT nope FROM sluice_no_such_table",
        "SELECT nope FROM %s",
        "SELEC * FROM %s",
        "SELECT 1 +",
        "SELECT 1 / (g - g) AS boom FROM generate_series(1, 3) g -- %s",
      })
  void aBadQueryFailsWithTheCursorExportsMessage(String template) throws Exception {
    String sql = template.formatted(TABLE);

    for (RecordFormat format : RecordFormat.values()) {
      Throwable copy = catchThrowable(() -> JdbcSources.query(URL, sql, format, 10));
      Throwable cursor =
          catchThrowable(() -> new QueryExportSource(Database.connect(URL), sql, format, 10));

      assertThat(copy).isInstanceOf(IOException.class).hasMessage(cursor.getMessage());
      assertThat(copy.getMessage()).startsWith("query failed: ERROR: ").doesNotContain("org.");
    }
  }

  @Test
  void closingMidStreamCancelsTheCopy() throws Exception {
    String marker = marker();
    Source source = JdbcSources.query(URL, endless(marker), RecordFormat.CSV, 10);
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    for (int i = 0; i < 3; i++) {
      assertThat(source.read(buffer.clear())).isPositive();
    }
    assertThat(backendsRunning(marker, "state = 'active'")).as("the COPY, running").isEqualTo(1);

    CompletableFuture<Void> closing =
        CompletableFuture.runAsync(() -> closeQuietly(source), THREADS);

    await("close").atMost(PROMPTLY).until(closing::isDone);
    await("the COPY's backend gone").atMost(PROMPTLY).until(() -> backendsRunning(marker) == 0);
  }

  @Test
  void theEngineCancelsTheCopyWhenTheSinkFails() throws Exception {
    String marker = marker();
    FailingSink sink = FailingSink.atWrite(3);

    assertAbortedBy(
        Ingestion.from(JdbcSources.query(URL, endless(marker), RecordFormat.CSV, 10))
            .to(sink)
            .chunkSize(16 * 1024),
        sink.failure(),
        AbortReason.SINK_FAILED);

    await("the COPY's backend gone").atMost(PROMPTLY).until(() -> backendsRunning(marker) == 0);
  }

  @Test
  void closingUnblocksAReadWaitingOnTheServer() throws Exception {
    String marker = marker();
    // about 85 KB of rows (the server flushes its output every 8 KB), then a row that sleeps
    Source source =
        JdbcSources.query(
            URL,
            "SELECT g AS id, pg_sleep(CASE WHEN g = 1000 THEN 600 ELSE 0 END) AS slept,"
                + " repeat('x', 50) AS pad, '"
                + marker
                + "' AS marker FROM generate_series(1, 2000) g",
            RecordFormat.CSV,
            1);
    try {
      CompletableFuture<Integer> reading =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return source.read(ByteBuffer.allocate(1 << 20)); // waits for the sleeping row
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              THREADS);
      await("the query sleeping on the server")
          .atMost(PROMPTLY)
          .until(() -> backendsRunning(marker, "wait_event = 'PgSleep'") == 1);

      CompletableFuture<Void> closing =
          CompletableFuture.runAsync(() -> closeQuietly(source), THREADS);

      await("close").atMost(PROMPTLY).until(closing::isDone);
      await("the blocked read").atMost(PROMPTLY).until(reading::isDone);
      assertThat(reading).isCompletedExceptionally();
      await("the COPY's backend gone").atMost(PROMPTLY).until(() -> backendsRunning(marker) == 0);
    } finally {
      closeQuietly(source); // should the test fail before closing it
    }
  }

  /** Rows enough that the export is still running when the test ends it. */
  private static String endless(String marker) {
    return "SELECT g AS id, repeat('x', 100) AS pad, '"
        + marker
        + "' AS marker FROM generate_series(1, 100000000) g";
  }

  private static String marker() {
    return "sluice_marker_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  /** Other backends whose current or last statement holds {@code marker}, in any state. */
  private static long backendsRunning(String marker) throws Exception {
    return backendsRunning(marker, null);
  }

  /** The same, in the condition {@code where} on pg_stat_activity's columns. */
  private static long backendsRunning(String marker, String where) throws Exception {
    return TestDatabases.queryLong(
        URL,
        "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            + " AND query LIKE 'COPY (%"
            + marker
            + "%'"
            + (where == null ? "" : " AND " + where));
  }

  private static void closeQuietly(Source source) {
    try {
      source.close();
    } catch (IOException e) {
      // a close after a cancel may report the cancelled copy; the test checks the server
    }
  }

  private static String readAll(Source source) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (source) {
      ByteBuffer buffer = ByteBuffer.allocate(7); // rows straddle reads
      while (source.read(buffer.clear()) != -1) {
        out.write(buffer.array(), 0, buffer.position());
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
