package dev.sluice.jdbc;

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
}
