package dev.sluice.jdbc;

/** The record fuzzer through PostgreSQL's {@code COPY}. */
class PostgresRecordFuzzIT extends RecordFuzzing {

  @Override
  protected String url() {
    return TestDatabases.POSTGRES;
  }

  @Override
  protected String textType() {
    return "text";
  }
}
