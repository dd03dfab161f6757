package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void knownLengthShowsBarPercentageRateAndEta() {
    String line = ProgressBar.line(256L << 20, 1L << 30, 1_000_000_000L);

    assertThat(line)
        .isEqualTo("[######------------------]  25%  256 MiB / 1.0 GiB  256.0 MiB/s  ETA 0:03");
  }

  @Test
  void unknownLengthShowsBytesAndRateOnly() {
    assertThat(ProgressBar.line(3L << 20, -1, 2_000_000_000L)).isEqualTo("3.0 MiB  1.5 MiB/s");
  }

  @Test
  void longEtaShowsHours() {
    assertThat(ProgressBar.line(1L << 20, 10L << 30, 1_000_000_000L)).endsWith("ETA 2:50:39");
  }

  @Test
  void moreBytesThanExpectedShowsAFullBarAndNoNegativeEta() {
    assertThat(ProgressBar.line(3L << 20, 2L << 20, 1_000_000_000L))
        .isEqualTo("[########################] 100%  3.0 MiB / 2.0 MiB  3.0 MiB/s  ETA 0:00");
  }
}
