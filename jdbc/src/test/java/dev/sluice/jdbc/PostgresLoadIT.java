package dev.sluice.jdbc;

class PostgresLoadIT extends TableLoadTests {

  @Override
  protected String url() {
    return TestDatabases.POSTGRES;
  }

  @Override
  protected String createTableSql(String table) {
    return "CREATE TABLE " + table + " (id bigint, name text, amount numeric(10,2), note text)";
  }
}
