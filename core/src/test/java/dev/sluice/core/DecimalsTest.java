package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DecimalsTest {

  @ParameterizedTest
  @CsvSource({
    "0, 3, 0.000",
    "1.5, 0, 2",
    "2.5, 0, 3",
    "0.0005, 3, 0.001",
    "0.0004, 3, 0.000",
    "12.34567, 1, 12.3",
    "99.95, 1, 100.0",
    "1122.84, 1, 1122.8",
    "-1.25, 1, -1.3",
    "-0.0001, 2, 0.00",
    "0.912, 3, 0.912",
    "1073741824, 1, 1073741824.0",
    "3.14159265, 6, 3.141593",
  })
  void printsFixedDecimals(double value, int places, String expected) {
    assertThat(Decimals.fixed(value, places)).isEqualTo(expected);
  }

  @Test
  void agreesWithFormatterAwayFromHalfwayPoints() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      double value = random.nextDouble(-1e6, 1e6) / (1 << random.nextInt(20));
      int places = random.nextInt(4);
      double fraction = Math.abs(value) * Math.pow(10, places) % 1;
      if (Math.abs(fraction - 0.5) < 1e-6) {
        continue; // the last bit decides; Formatter rounds the exact binary value
      }
      String expected = String.format(Locale.ROOT, "%." + places + "f", value);
      if (expected.matches("-0(\\.0*)?")) {
        expected = expected.substring(1); // Formatter keeps the sign of a negative zero result
      }
      assertThat(Decimals.fixed(value, places))
          .as("%s at %d places", value, places)
          .isEqualTo(expected);
    }
  }

  @Test
  void printsNonFiniteValuesAsJavaDoes() {
    assertThat(Decimals.fixed(Double.NaN, 1)).isEqualTo("NaN");
    assertThat(Decimals.fixed(Double.POSITIVE_INFINITY, 1)).isEqualTo("Infinity");
    assertThat(Decimals.fixed(1e300, 2)).isEqualTo("1.0E300");
  }

  @Test
  void refusesPlacesOutOfRange() {
    assertThatThrownBy(() -> Decimals.fixed(1, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0..6");
  }
}
