package dev.sluice.jdbc;

import dev.sluice.core.Sink;
import java.io.IOException;

/** {@link JdbcSinks#postgresCopy} (COPY FROM STDIN) passes the sink contract on PostgreSQL. */
class PostgresCopySinkContractIT extends TableSinkContract {

  @Override
  protected String url() {
    return TestDatabases.POSTGRES;
  }

  @Override
  protected String createTableSql(String table) {
    return "CREATE TABLE " + table + " (v text)";
  }

  @Override
  protected Sink newSink(String url, String table) throws IOException {
    return JdbcSinks.postgresCopy(url, TableLoad.csv(table));
  }
}
