package dev.sluice.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external programs (Node, npm) for tests that drive real clients. */
public final class Commands {

  private Commands() {}

  /**
   * Runs {@code command} in {@code dir} and returns its output (standard output and error,
   * stripped); fails the test unless it exits 0 within {@code timeoutSeconds}.
   */
  public static String run(Path dir, List<String> command, int timeoutSeconds) throws Exception {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    boolean ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    String output = new String(out, StandardCharsets.UTF_8).strip();
    if (!ended) {
      process.destroyForcibly();
    }
    assertThat(ended && process.exitValue() == 0)
        .as("%s exited %s: %s", command, ended ? process.exitValue() : "(timed out)", output)
        .isTrue();
    return output;
  }
}
