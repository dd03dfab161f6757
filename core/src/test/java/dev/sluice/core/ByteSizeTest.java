package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "0, 0",
    "1000, 1000",
    "7B, 7",
    "64KiB, 65536",
    "64kib, 65536",
    "64K, 65536",
    "8MiB, 8388608",
    "8M, 8388608",
    "1GiB, 1073741824",
    "2TiB, 2199023255552",
    "1KB, 1000",
    "5MB, 5000000",
    "3GB, 3000000000",
    "1TB, 1000000000000",
    "' 16 MiB ', 16777216"
  })
  void parsesDigitsWithAnOptionalUnit(String text, long bytes) {
    assertThat(ByteSize.parse(text)).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "MiB", "-1", "1.5MiB", "8 XB", "8MiBs", "0x10"})
  void refusesAnythingElseNamingTheInputAndTheForm(String text) {
    assertThatThrownBy(() -> ByteSize.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid size '"
                + text
                + "': expected digits with an optional unit, e.g. 64KiB, 8MiB, 1GiB");
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> ByteSize.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid size 'null'");
  }

  @Test
  void refusesSizesBeyondALong() {
    assertThatThrownBy(() -> ByteSize.parse("9999999TiB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid size '9999999TiB': too large");
    assertThatThrownBy(() -> ByteSize.parse("99999999999999999999"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid size '99999999999999999999': too large");
  }

  @ParameterizedTest(name = "{0} prints as {1}")
  @CsvSource({
    "0, 0 B",
    "1023, 1023 B",
    "1024, 1.0 KiB",
    "1536, 1.5 KiB",
    "1048576, 1.0 MiB",
    "157286400, 150 MiB",
    "1073741824, 1.0 GiB",
    "9223372036854775807, 8.0 EiB"
  })
  void formatsWithTheLargestWholeBinaryUnit(long bytes, String text) {
    assertThat(ByteSize.format(bytes)).isEqualTo(text);
  }

  @Test
  void formattedSizesParseBackWithoutTheSpace() {
    for (long bytes : new long[] {1L << 10, 1L << 20, 1L << 30}) {
      assertThat(ByteSize.parse(ByteSize.format(bytes).replace(".0 ", ""))).isEqualTo(bytes);
    }
  }
}
