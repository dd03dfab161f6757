package dev.sluice.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpDateTest {

  static final Instant EXAMPLE = Instant.parse("1994-11-06T08:49:37Z");

  @Test
  void formatsImfFixdateWithTwoDigitDaysTruncatingToTheSecond() {
    assertThat(HttpDate.format(EXAMPLE.plusMillis(999))).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    assertThat(HttpDate.format(Instant.parse("2026-01-01T00:00:00Z")))
        .isEqualTo("Thu, 01 Jan 2026 00:00:00 GMT");
  }

  @Test
  void parsesTheThreeFormsOfRfc9110() {
    assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")).contains(EXAMPLE);
    assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT")).contains(EXAMPLE);
    assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994")).contains(EXAMPLE);
    assertThat(HttpDate.parse("Thu Nov 26 08:49:37 2026"))
        .contains(Instant.parse("2026-11-26T08:49:37Z"));
  }

  @Test
  void formattingThenParsingIsTheIdentityOnWholeSeconds() {
    for (long second = -5_000_000_000L; second < 200_000_000_000L; second += 987_654_321L) {
      Instant instant = Instant.ofEpochSecond(second);
      if (ZonedDateTime.ofInstant(instant, ZoneOffset.UTC).getYear() > 9999) {
        break;
      }
      assertThat(HttpDate.parse(HttpDate.format(instant))).contains(instant);
    }
  }

  @Test
  void aTwoDigitYearMoreThanFiftyYearsAheadIsInThePast() {
    int thisYear = ZonedDateTime.now(ZoneOffset.UTC).getYear();
    int soon = (thisYear + 10) % 100;
    int far = (thisYear + 60) % 100;
    assertThat(HttpDate.parse(String.format("Monday, 01-Jan-%02d 00:00:00 GMT", soon)))
        .map(i -> ZonedDateTime.ofInstant(i, ZoneOffset.UTC).getYear())
        .contains(thisYear + 10);
    assertThat(HttpDate.parse(String.format("Monday, 01-Jan-%02d 00:00:00 GMT", far)))
        .map(i -> ZonedDateTime.ofInstant(i, ZoneOffset.UTC).getYear())
        .contains(thisYear + 60 - 100);
  }

  @Test
  void aLeapSecondIsReadAsTheSecondBefore() {
    assertThat(HttpDate.parse("Sat, 31 Dec 2016 23:59:60 GMT"))
        .contains(Instant.parse("2016-12-31T23:59:59Z"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "yesterday",
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun,  06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 8:49:37 GMT ",
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06 Nov 1994 08-49-37 GMT",
        "Sun, 06 Nov 94 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun, 06-Nov-94 08:49:37 GMT",
        "Funday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",
        "Sun Nov 06 08:49:37 94",
        "Sun Nov  6 08:49:37 1994 GMT",
        "2026-11-26T00:00:00Z",
        "Sun, 06 Nov 1994 08:49:37 GMT\u0000",
        ",,,"
      })
  void rejectsWhatTheGrammarDoesNotAllow(String value) {
    assertThat(HttpDate.parse(value)).as(value).isEmpty();
  }

  @Test
  void rejectsNull() {
    assertThat(HttpDate.parse(null)).isEmpty();
  }
}
