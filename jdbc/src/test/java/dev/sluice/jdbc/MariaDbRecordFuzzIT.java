package dev.sluice.jdbc;

/** The record fuzzer through MariaDB's {@code LOAD DATA LOCAL INFILE}. */
class MariaDbRecordFuzzIT extends RecordFuzzing {

  @Override
  protected String url() {
    return TestDatabases.MARIADB;
  }

  @Override
  protected String textType() {
    return "TEXT CHARACTER SET utf8mb4";
  }

  @Override
  protected String quoted(String column) {
    return "`" + column + "`";
  }
}
