package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3CleanupTest {

  @Test
  void parsesAgesWithUnitsAndIsoDurations() {
    assertThat(S3Cleanup.parseAge("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(S3Cleanup.parseAge("12h")).isEqualTo(Duration.ofHours(12));
    assertThat(S3Cleanup.parseAge("30M")).isEqualTo(Duration.ofMinutes(30));
    assertThat(S3Cleanup.parseAge("0s")).isEqualTo(Duration.ZERO);
    assertThat(S3Cleanup.parseAge("PT90M")).isEqualTo(Duration.ofMinutes(90));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1", "d", "1w", "-1d", "PT-5M", "99999999999999999999d"})
  void refusesOtherAgesNamingTheInputAndTheForm(String text) {
    assertThatThrownBy(() -> S3Cleanup.parseAge(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid age '" + text + "': expected digits and a unit (s, m, h, d), e.g. 1d or 12h");
  }
}
