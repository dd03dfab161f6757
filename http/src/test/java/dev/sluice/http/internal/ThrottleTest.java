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

  @Test
  void aPacedTransferIsGrantedAWholeChunkPerWaitNotWhatTrickledInSinceTheLast() throws Exception {
    Throttle.Pace pace = new Throttle(0, 0, 0).forTransfer("256KiB");
    int chunk = pace.chunkSize();
    assertThat(chunk).isEqualTo(32 << 10); // an eighth of a second of the rate

    assertThat(pace.acquire(chunk)).isEqualTo(chunk); // the bucket starts full
    for (int write = 0; write < 3; write++) {
      assertThat(pace.acquire(chunk)).isEqualTo(chunk); // was 1 KiB after 4 ms, each time
    }
    assertThat(pace.acquire(100)).isEqualTo(100); // the end of a body: no more than asked
  }

  @Test
  void theSharedBucketGrantsWhatItHoldsFromOneKibibyteUp() throws Exception {
    Throttle throttle = new Throttle(Throttle.MIN_RATE * 100, 0, 0);
    Throttle.Pace pace = throttle.forTransfer(null);
    long burst = Throttle.globalBurst(Throttle.MIN_RATE * 100);

    long first = pace.acquire((int) burst);
    int second = pace.acquire((int) burst);

    assertThat(first).isEqualTo(burst);
    assertThat(second).isBetween(1024, (int) burst / 2); // not a wait for the whole burst again
  }

  @Test
  void wakeUpsFallOnTickBoundariesNeverEarlierThanTheWait() {
    long tick = Throttle.TICK_NANOS;
    assertThat(Throttle.untilTick(0, tick)).isEqualTo(tick);
    assertThat(Throttle.untilTick(0, 1)).isEqualTo(tick);
    assertThat(Throttle.untilTick(3, tick)).isEqualTo(2 * tick - 3);
    assertThat(Throttle.untilTick(-5, 2)).isEqualTo(5); // nanoTime may be negative
    for (long now : new long[] {-123_456_789, 0, 987_654_321}) {
      for (long wait : new long[] {1, tick - 1, tick, 3 * tick + 17}) {
        long sleep = Throttle.untilTick(now, wait);
        assertThat(sleep).isBetween(wait, wait + tick - 1);
        assertThat(Math.floorMod(now + sleep, tick)).isZero();
      }
    }
  }
}
