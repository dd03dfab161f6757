package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code --rate}, {@code --max-rate} and {@code ?rate=} do to one download's pace. */
class ThrottleTest {

  @Test
  void maxRateLowersAHigherRateAndPacesADownloadThatAsksNone() {
    Throttle throttle = new Throttle(0, 0, 2 << 20);
    assertThat(throttle.forTransfer("8MiB/s").rate()).isEqualTo(2 << 20);
    assertThat(throttle.forTransfer("1MiB").rate()).isEqualTo(1 << 20);
    assertThat(throttle.forTransfer(null).rate()).isEqualTo(2 << 20);
  }

  @Test
  void withoutLimitsADownloadThatAsksNoneIsUnpaced() {
    assertThat(new Throttle(0, 0, 0).forTransfer(null).unlimited()).isTrue();
    assertThat(new Throttle(0, 1 << 20, 0).forTransfer(null).rate()).isEqualTo(1 << 20);
  }
}
