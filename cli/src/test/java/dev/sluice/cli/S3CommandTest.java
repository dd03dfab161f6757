package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code sluice s3 cleanup}'s command line; the cleanup itself is tested against s3proxy in s3. */
class S3CommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int sluice(String... args) {
    CommandLine commandLine = Main.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void aMalformedAgeIsAUsageErrorNamingTheInputAndTheForm() {
    assertThat(sluice("s3", "cleanup", "s3://bucket/tmp", "--older-than", "soon"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("invalid age 'soon': expected digits and a unit (s, m, h, d), e.g. 1d or 12h");
  }

  @Test
  void aLocationThatIsNotS3IsAUsageError() {
    assertThat(sluice("s3", "cleanup", "/tmp/uploads")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("invalid S3 location '/tmp/uploads': expected s3://bucket/key");
  }

  @Test
  void theS3CommandNeedsASubcommand() {
    assertThat(sluice("s3")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("a subcommand is required: cleanup");
  }

  @Test
  void cleanupIsListedInTheHelp() {
    assertThat(sluice("s3", "--help")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("cleanup");
  }
}
