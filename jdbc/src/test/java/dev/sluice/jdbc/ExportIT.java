package dev.sluice.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Sinks;
import dev.sluice.core.Source;
import dev.sluice.core.Transforms;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionReport;
import org.junit.jupiter.api.Test;

/**
 * Large exports stream: PostgreSQL's through {@code COPY … TO STDOUT}, MariaDB's through a cursor.
 * The tests run with a 128 MiB heap (see the failsafe configuration): each result below is several
 * hundred MiB as Java objects (about 330 MB as CSV), so a driver that materialised it, or an export
 * that buffered it, would fail with an OutOfMemoryError.
 */
class ExportIT {

  private static final long ROWS = 3_000_000;
  private static final String PAD = "x".repeat(100);

  @Test
  void aPostgresExportOfMillionsOfRowsStreamsInFlatMemory() throws Exception {
    TestDatabases.require(TestDatabases.POSTGRES);
    IngestionReport report =
        export(
            TestDatabases.POSTGRES,
            "SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, " + ROWS + ") g",
            "query(csv, COPY)");

    assertThat(report.bytesOut()).isEqualTo(expectedCsvBytes());
  }

  @Test
  void aMariaDbExportOfMillionsOfRowsStreamsInFlatMemory() throws Exception {
    TestDatabases.require(TestDatabases.MARIADB);
    IngestionReport report =
        export(
            TestDatabases.MARIADB,
            "SELECT seq AS id, REPEAT('x', 100) AS pad FROM seq_1_to_" + ROWS,
            "query(csv)");

    assertThat(report.bytesOut()).isEqualTo(expectedCsvBytes());
  }

  private static IngestionReport export(String url, String sql, String expectedSource)
      throws Exception {
    long heapBefore = usedHeap();
    Source source = JdbcSources.query(url, sql, RecordFormat.CSV, 10_000);
    assertThat(source).hasToString(expectedSource);
    IngestionReport report =
        Ingestion.from(source).through(Transforms.sha256()).to(Sinks.discard()).run();
    System.out.printf(
        "exported %d bytes; heap used before %d MiB, after %d MiB%n",
        report.bytesOut(), heapBefore >> 20, usedHeap() >> 20);
    return report;
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /** "id,pad\n" then "i,xxx…\n" for every i. */
  private static long expectedCsvBytes() {
    long bytes = "id,pad\n".length();
    for (long i = 1; i <= ROWS; i++) {
      bytes += Long.toString(i).length() + 1 + PAD.length() + 1;
    }
    return bytes;
  }
}
