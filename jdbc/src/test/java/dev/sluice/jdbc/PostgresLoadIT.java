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

class PostgresLoadIT extends TableLoadTests {

  @Override
  protected String url() {
    return TestDatabases.POSTGRES;
  }

  @Override
  protected String createTableSql(String table) {
    return "CREATE TABLE " + table + " (id bigint, name text, amount numeric(10,2), note text)";
  }

  /**
   * The rows are written again for COPY, with a header row, so its line numbers stay the input's.
   */
  @Test
  void aValueCopyRefusesIsInvalidInputNamingTheInputLine() throws Exception {
    String csv = "id,name\n1,a\n2,b\nx,c\n";
    IngestionException failure =
        assertAborted(
            Ingestion.from(
                    Sources.from(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))))
                .to(JdbcSinks.table(url(), TableLoad.csv(table))),
            AbortReason.INVALID_INPUT);

    assertThat(failure.getCause())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("COPY into table " + table + " failed: ")
        .hasMessageContaining("line 4");
    assertThat(TestDatabases.count(url(), table)).isZero();
  }
}
