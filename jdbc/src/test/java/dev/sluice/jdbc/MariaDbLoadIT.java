package dev.sluice.jdbc;

import static dev.sluice.core.testing.IngestionAssertions.assertAborted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.AbortReason;
import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Sources;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MariaDbLoadIT extends TableLoadTests {

  @Override
  protected String url() {
    return TestDatabases.MARIADB;
  }

  @Override
  protected String createTableSql(String table) {
    return "CREATE TABLE "
        + table
        + " (id bigint, name text, amount decimal(10,2), note text) ENGINE=InnoDB";
  }

  @Override
  protected String quoted(String column) {
    return "`" + column + "`";
  }

  /**
   * {@code LOAD DATA LOCAL} truncates a value too long for its column, or turns text into 0 for a
   * number, with a warning and carries on; the load must fail instead and store nothing.
   */
  @Test
  void aValueLoadDataWouldChangeFailsTheLoadAndStoresNothing() throws Exception {
    String narrow = TestDatabases.uniqueTable("sluice_narrow");
    try {
      TestDatabases.execute(url(), "CREATE TABLE " + narrow + " (k varchar(3), n bigint)");
      for (String csv : new String[] {"k,n\nab,1\nabcdef,2\n", "k,n\nab,1\ncd,x\n"}) {
        IngestionException failure =
            assertAborted(
                Ingestion.from(
                        Sources.from(
                            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))))
                    .to(JdbcSinks.table(url(), TableLoad.csv(narrow))),
                AbortReason.INVALID_INPUT);

        assertThat(failure.getCause())
            .isInstanceOf(InvalidInputException.class)
            .hasMessageStartingWith(
                "LOAD DATA into table " + narrow + " changed or refused a value")
            .hasMessageEndingWith("; nothing was stored");
        assertThat(TestDatabases.count(url(), narrow)).isZero();
      }
    } finally {
      TestDatabases.dropQuietly(url(), narrow);
    }
  }
}
