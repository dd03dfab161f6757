package dev.sluice.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;

/** The record fuzzer through batched {@code INSERT}s into an embedded H2 database. */
class H2RecordFuzzIT extends RecordFuzzing {

  private static final Path FOLDER = folder();

  private static Path folder() {
    try {
      return Files.createTempDirectory("sluice-h2-fuzz");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  protected String url() {
    return TestDatabases.h2(FOLDER);
  }

  @Override
  protected String textType() {
    return "VARCHAR";
  }
}
