package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@code ./sluice} launcher, as users run it: its start-up archive (an AOT cache on JDK 25+, a
 * class-data archive before) is trained once per build by whichever command runs first, and every
 * command starts from it, the server too. A JVM refuses an AOT cache trained with other module
 * options: trained by {@code serve}, it served no other command, and trained by any other command,
 * it did not serve {@code serve}.
 */
class LauncherIT {

  private static final Path LAUNCHER = Path.of("..", "sluice").toAbsolutePath().normalize();
  private static final List<Path> ARCHIVES =
      List.of(Path.of("target", "sluice.aot"), Path.of("target", "sluice.jsa"));

  /** Loads classes from the archive: the lines of the class-loading log that say so, of all. */
  private record Loaded(long fromArchive, long all) {}

  private static Loaded run(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("SLUICE_SKIP_BUILD", "1"); // the build has made the jar
    builder.environment().put("SLUICE_JAVA_OPTS", "-Xlog:class+load=info:stdout");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    List<String> loads = out.lines().filter(l -> l.contains("[class,load]")).toList();
    long shared = loads.stream().filter(l -> l.contains("source: shared objects file")).count();
    return new Loaded(shared, loads.size());
  }

  /**
   * Trains the archive anew with the command {@code trainer}, then runs {@code other}: what each
   * loaded.
   */
  private static Loaded[] trainThenRun(String[] trainer, String[] other) throws Exception {
    for (Path archive : ARCHIVES) {
      Files.deleteIfExists(archive);
    }
    return new Loaded[] {run(trainer), run(other)};
  }

  @Test
  void theServerTrainsTheArchiveAndEveryCommandStartsFromIt() throws Exception {
    Loaded[] loaded =
        trainThenRun(new String[] {"serve", "--help"}, new String[] {"ingest", "--help"});
    Loaded serve = loaded[0];
    Loaded ingest = loaded[1];
    assertThat(serve.fromArchive()).as("classes serve loaded from the archive").isGreaterThan(500);
    assertThat(ingest.fromArchive())
        .as("classes ingest loaded from an archive serve trained")
        .isGreaterThan(ingest.all() / 2);
  }

  @Test
  void aCommandTrainsTheArchiveAndTheServerStartsFromIt() throws Exception {
    Loaded[] loaded = trainThenRun(new String[] {"--version"}, new String[] {"serve", "--help"});
    Loaded version = loaded[0];
    Loaded serve = loaded[1];
    assertThat(version.fromArchive())
        .as("classes --version loaded from the archive")
        .isGreaterThan(500);
    assertThat(serve.fromArchive())
        .as("classes serve loaded from an archive a command trained")
        .isGreaterThan(serve.all() / 2);
  }
}
