package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;

class DigestWarmUpTest {

  @Test
  void aRunAskingForTheDigestWarmsItUp() {
    assertThat(DigestWarmUp.wanted("ingest", "a.bin", "b.bin", "--sha256")).isTrue();
    assertThat(DigestWarmUp.wanted("ingest", "--expect-sha256", "9f86d0", "a", "b")).isTrue();
    assertThat(DigestWarmUp.wanted("ingest", "--expect-sha256=9f86d0", "a", "b")).isTrue();
  }

  @Test
  void aRunWithoutTheDigestDoesNot() {
    assertThat(DigestWarmUp.wanted("ingest", "sha256.bin", "--sha256sum.bin")).isFalse();
    assertThat(DigestWarmUp.wanted("serve")).isFalse();
    assertThat(DigestWarmUp.wanted()).isFalse();
  }

  @Test
  void theOptionsItLooksForAreTheIngestCommands() {
    CommandSpec ingest =
        Main.newCommandLine("ingest").getSubcommands().get("ingest").getCommandSpec();
    assertThat(ingest.findOption("--sha256")).isNotNull();
    assertThat(ingest.findOption("--expect-sha256")).isNotNull();
  }
}
