package dev.sluice.jdbc;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2LoadIT extends TableLoadTests {

  @TempDir static Path folder;

  @Override
  protected String url() {
    return TestDatabases.h2(folder);
  }

  /** Batched inserts into H2 run at about 25,000 rows/s here: 400,000 keeps the suite short. */
  @Override
  protected long roundTripRows() {
    return 400_000;
  }

  @Override
  protected String createTableSql(String table) {
    return "CREATE TABLE "
        + table
        + " (\"id\" BIGINT, \"name\" VARCHAR, \"amount\" DECIMAL(10,2), \"note\" VARCHAR)";
  }

  @Override
  protected String textType() {
    return "VARCHAR";
  }
}
