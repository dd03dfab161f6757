package dev.sluice.jdbc;

import dev.sluice.core.Sink;
import java.io.IOException;

/** {@link JdbcSinks#mariaDbLoad} (LOAD DATA LOCAL INFILE) passes the sink contract on MariaDB. */
class MariaDbLoadSinkContractIT extends TableSinkContract {

  @Override
  protected String url() {
    return TestDatabases.MARIADB;
  }

  @Override
  protected String createTableSql(String table) {
    return "CREATE TABLE " + table + " (v text) ENGINE=InnoDB";
  }

  @Override
  protected Sink newSink(String url, String table) throws IOException {
    return JdbcSinks.mariaDbLoad(url, TableLoad.csv(table));
  }
}
