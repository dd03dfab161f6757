package dev.sluice.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.delivery.RangeRequest.From;
import dev.sluice.core.delivery.RangeRequest.FromTo;
import dev.sluice.core.delivery.RangeRequest.Suffix;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RangeRequestTest {

  private static List<RangeRequest.Spec> specs(String header) {
    return RangeRequest.parse(header).orElseThrow().specs();
  }

  @Test
  void parsesAClosedRange() {
    assertThat(specs("bytes=0-499")).containsExactly(new FromTo(0, 499));
  }

  @Test
  void parsesAnOpenEndedRange() {
    assertThat(specs("bytes=9500-")).containsExactly(new From(9500));
  }

  @Test
  void parsesASuffixRange() {
    assertThat(specs("bytes=-500")).containsExactly(new Suffix(500));
  }

  @Test
  void parsesSeveralRangesInTheOrderListed() {
    assertThat(specs("bytes=500-600,0-0,-1,7-"))
        .containsExactly(new FromTo(500, 600), new FromTo(0, 0), new Suffix(1), new From(7));
  }

  @Test
  void acceptsSpacesAndTabsAroundCommasAndAroundTheWholeValue() {
    assertThat(specs(" \tbytes=0-1 ,\t2-3 , -4\t "))
        .containsExactly(new FromTo(0, 1), new FromTo(2, 3), new Suffix(4));
  }

  @Test
  void ignoresEmptyListElements() {
    assertThat(specs("bytes=,0-1,, ,2-3,")).containsExactly(new FromTo(0, 1), new FromTo(2, 3));
  }

  @Test
  void theUnitIsCaseInsensitive() {
    assertThat(specs("BYTES=1-2")).containsExactly(new FromTo(1, 2));
    assertThat(specs("Bytes=1-2")).containsExactly(new FromTo(1, 2));
  }

  @Test
  void leadingZerosAreDigitsLikeAnyOther() {
    assertThat(specs("bytes=007-0010")).containsExactly(new FromTo(7, 10));
  }

  @Test
  void aFirstEqualToLastIsOneByte() {
    assertThat(specs("bytes=5-5")).containsExactly(new FromTo(5, 5));
  }

  @Test
  void numbersBeyondALongSaturate() {
    assertThat(specs("bytes=99999999999999999999999999-"))
        .containsExactly(new From(Long.MAX_VALUE));
    assertThat(specs("bytes=0-99999999999999999999999999"))
        .containsExactly(new FromTo(0, Long.MAX_VALUE));
    assertThat(specs("bytes=-99999999999999999999999999"))
        .containsExactly(new Suffix(Long.MAX_VALUE));
    assertThat(specs("bytes=9223372036854775807-9223372036854775807"))
        .containsExactly(new FromTo(Long.MAX_VALUE, Long.MAX_VALUE));
  }

  @Test
  void saturatedNumbersStillCompareByTheirDigits() {
    assertThat(specs("bytes=99999999999999999998-099999999999999999999"))
        .containsExactly(new FromTo(Long.MAX_VALUE, Long.MAX_VALUE));
    assertThat(RangeRequest.parse("bytes=99999999999999999999-99999999999999999998")).isEmpty();
    assertThat(RangeRequest.parse("bytes=100000000000000000000-99999999999999999999")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "bytes",
        "bytes=",
        "bytes=,",
        "bytes= ,  ,",
        "bytes=-",
        "bytes=--1",
        "bytes=-1-",
        "bytes=1--2",
        "bytes=5-4",
        "bytes=0-1-2",
        "bytes=a-b",
        "bytes=0x10-",
        "bytes=+1-2",
        "bytes=1-+2",
        "bytes=-+1",
        "bytes=1 -2",
        "bytes=1- 2",
        "bytes= 1-2",
        "bytes =1-2",
        "bytes=1-2 3-4",
        "bytes=1-2;3-4",
        "bytes=0-1,x",
        "bytes=１-２",
        "bytes=0-1\r\n",
        "items=0-1",
        "bytess=0-1",
        "byte=0-1",
        "=0-1",
        "bytes:0-1",
        "byte\u017f=0-1",
        "\u0212ytes=0-1",
        "0-1"
      })
  void rejectsWhatTheGrammarDoesNotAllow(String header) {
    assertThat(RangeRequest.parse(header)).as(header).isEmpty();
  }

  @Test
  void rejectsNull() {
    assertThat(RangeRequest.parse(null)).isEmpty();
  }

  @Test
  void printsAsAHeader() {
    assertThat(RangeRequest.parse(" bytes=0-1, 5-, -3").orElseThrow())
        .hasToString("bytes=0-1,5-,-3");
  }

  @Test
  void equalRequestsAreEqual() {
    assertThat(RangeRequest.parse("bytes=0-1"))
        .isEqualTo(RangeRequest.parse("bytes= 0-1".replace(" ", "")));
  }
}
