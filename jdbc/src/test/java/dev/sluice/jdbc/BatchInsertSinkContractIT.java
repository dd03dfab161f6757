package dev.sluice.jdbc;

import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JdbcSinks#batchInsert} (batched INSERTs) passes the sink contract on an embedded H2, with
 * batches of 3 rows so that the suite's inputs span several batches.
 */
class BatchInsertSinkContractIT extends TableSinkContract {

  @TempDir Path folder;

  @Override
  protected String url() {
    return TestDatabases.h2(folder);
  }

  @Override
  protected String createTableSql(String table) {
    return "CREATE TABLE " + table + " (\"v\" VARCHAR)";
  }

  @Override
  protected String column() {
    return "\"v\"";
  }

  @Override
  protected Sink newSink(String url, String table) throws IOException {
    return JdbcSinks.batchInsert(url, TableLoad.csv(table).withBatchSize(3));
  }
}
