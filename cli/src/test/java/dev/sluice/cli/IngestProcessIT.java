package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded jar in a child JVM (the JDK running this test) to check what a user sees: exit
 * status, the one-line reason, and that nothing — neither output nor temporary file — is left.
 */
class IngestProcessIT {

  private static final Path JAR = Path.of("target", "sluice.jar");

  @TempDir Path dir;

  private record Result(int status, String stdout, String stderr) {}

  private Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(List.of("-Xmx48m", "-XX:+UseSerialGC", "-Xshare:auto", "-jar"));
    command.add(JAR.toAbsolutePath().toString());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(dir.toFile()).start();
  }

  private static Result finish(Process process) throws Exception {
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child exits").isTrue();
    return new Result(
        process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private List<String> files() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void summaryCarriesTheSha256OfTheCopy() throws Exception {
    Result result = finish(start("ingest", "gen:1MiB:5", "out.bin", "--sha256"));

    assertThat(result.status()).isZero();
    String expected =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(dir.resolve("out.bin"))));
    assertThat(result.stdout()).endsWith(", sha256 " + expected + "\n");
  }

  @Test
  void wrongExpectedSha256ExitsNonZeroAndLeavesNothing() throws Exception {
    Result result =
        finish(start("ingest", "gen:3MiB", "out.bin", "--expect-sha256", "ab".repeat(32)));

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.stderr())
        .startsWith("sluice: DIGEST_MISMATCH: sha256 mismatch: expected " + "ab".repeat(32))
        .endsWith("\n")
        .hasLineCount(1);
    assertThat(files()).isEmpty();
  }

  @Test
  void exceededLimitExitsNonZeroAndLeavesNothing() throws Exception {
    Result result = finish(start("ingest", "gen:3MiB", "out.bin", "--limit", "1MiB"));

    assertThat(result.status()).isEqualTo(1);
    assertThat(result.stderr())
        .isEqualTo("sluice: LIMIT_EXCEEDED: input size exceeds the limit of 1.0 MiB (1048576)\n");
    assertThat(files()).isEmpty();
  }

  @Test
  void sigintAbortsTheTransferAndExits130() throws Exception {
    assertSignalAborts("INT", 130);
  }

  @Test
  void sigtermAbortsTheTransferAndExits143() throws Exception {
    assertSignalAborts("TERM", 143);
  }

  private void assertSignalAborts(String signal, int expectedStatus) throws Exception {
    Process child = start("ingest", "gen:100MiB", "out.bin", "--rate", "1MiB/s");
    awaitTemporaryFile(child);

    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Result result = finish(child);

    assertThat(result.status()).isEqualTo(expectedStatus);
    assertThat(result.stderr())
        .startsWith("sluice: SHUTDOWN: interrupted by a signal after ")
        .endsWith("; nothing written to out.bin\n");
    assertThat(files()).isEmpty();
  }

  /** Waits until the child has begun writing (its temporary file exists). */
  private void awaitTemporaryFile(Process child) throws Exception {
    await("a temporary file appears")
        .atMost(30, TimeUnit.SECONDS)
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              assertThat(child.isAlive()).as("the child is still running").isTrue();
              return files().stream().anyMatch(name -> name.endsWith(".tmp"));
            });
  }
}
