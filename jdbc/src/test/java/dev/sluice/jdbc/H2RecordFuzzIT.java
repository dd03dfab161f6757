package dev.sluice.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;

/** The record fuzzer through batched {@code INSERT}s into an embedded H2 database. */
class H2RecordFuzzIT extends RecordFuzzing {

  private static final Path FOLDER = folder();

  /** A fresh folder, deleted when the JVM exits (jqwik has no {@code @TempDir}). */
  private static Path folder() {
    try {
      Path folder = Files.createTempDirectory("sluice-h2-fuzz");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(folder)));
      return folder;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path folder) {
    try (var paths = Files.walk(folder)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("could not delete " + folder + ": " + e.getMessage());
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
