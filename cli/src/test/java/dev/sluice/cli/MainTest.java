package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void fullCommandLineHasEverySubcommand() {
    assertThat(Main.newCommandLine().getSubcommands())
        .containsOnlyKeys("ingest", "serve", "sign", "s3");
  }

  @Test
  void aRunThatNamesASubcommandBuildsOnlyThatOne() {
    assertThat(Main.newCommandLine("ingest").getSubcommands()).containsOnlyKeys("ingest");
    assertThat(Main.newCommandLine("ingest").getSubcommands().get("ingest").getCommandName())
        .isEqualTo("ingest");
  }

  @Test
  void unknownOrMissingSubcommandIsAUsageError() {
    assertThat(Main.run("bogus")).isEqualTo(ExitCodes.USAGE);
    assertThat(Main.run()).isEqualTo(ExitCodes.USAGE);
  }
}
