package dev.sluice.core.delivery;

import static dev.sluice.core.delivery.Conditionals.Result.NOT_MODIFIED;
import static dev.sluice.core.delivery.Conditionals.Result.PRECONDITION_FAILED;
import static dev.sluice.core.delivery.Conditionals.Result.PROCEED;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConditionalsTest {

  static final String TAG = "\"abc\"";
  static final Instant MODIFIED = Instant.parse("2026-11-01T10:00:00.700Z");
  static final String AT = "Sun, 01 Nov 2026 10:00:00 GMT";
  static final String BEFORE = "Sun, 01 Nov 2026 09:59:59 GMT";
  static final String AFTER = "Sun, 01 Nov 2026 10:00:01 GMT";
  static final Instant NOW = Instant.parse("2026-11-26T00:00:00Z");

  static Conditionals of(String... nameValue) {
    Map<String, String> headers = new java.util.HashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      headers.put(nameValue[i], nameValue[i + 1]);
    }
    return Conditionals.from(headers::get);
  }

  static Conditionals.Result get(String... nameValue) {
    return of(nameValue).evaluate("GET", TAG, MODIFIED);
  }

  @Test
  void noConditionsProceed() {
    assertThat(Conditionals.NONE.evaluate("GET", TAG, MODIFIED)).isEqualTo(PROCEED);
    assertThat(Conditionals.NONE.evaluate("PUT", null, null)).isEqualTo(PROCEED);
  }

  @Test
  void ifMatchUsesStrongComparison() {
    assertThat(get("If-Match", TAG)).isEqualTo(PROCEED);
    assertThat(get("If-Match", "\"x\", " + TAG)).isEqualTo(PROCEED);
    assertThat(get("If-Match", "W/" + TAG)).isEqualTo(PRECONDITION_FAILED);
    assertThat(get("If-Match", "\"x\"")).isEqualTo(PRECONDITION_FAILED);
    assertThat(get("If-Match", "abc")).as("unquoted is no tag").isEqualTo(PRECONDITION_FAILED);
  }

  @Test
  void ifMatchStarNeedsAnExistingRepresentation() {
    assertThat(of("If-Match", "*").evaluate("PUT", TAG, MODIFIED)).isEqualTo(PROCEED);
    assertThat(of("If-Match", "*").evaluate("PUT", null, null)).isEqualTo(PRECONDITION_FAILED);
  }

  @Test
  void ifNoneMatchUsesWeakComparison() {
    assertThat(get("If-None-Match", "W/" + TAG)).isEqualTo(NOT_MODIFIED);
    assertThat(get("If-None-Match", "\"x\" ,\t" + TAG)).isEqualTo(NOT_MODIFIED);
    assertThat(get("If-None-Match", "\"x\"")).isEqualTo(PROCEED);
    assertThat(get("If-None-Match", "\"abc")).isEqualTo(PROCEED);
  }

  @Test
  void ifNoneMatchReadsCommasInsideTags() {
    Conditionals conditions = of("If-None-Match", "\"a,b\", \"c\"");
    assertThat(conditions.evaluate("GET", "\"a,b\"", MODIFIED)).isEqualTo(NOT_MODIFIED);
    assertThat(conditions.evaluate("GET", "\"b\"", MODIFIED)).isEqualTo(PROCEED);
  }

  @Test
  void ifNoneMatchFailingGives412ForOtherMethods() {
    assertThat(of("If-None-Match", TAG).evaluate("DELETE", TAG, MODIFIED))
        .isEqualTo(PRECONDITION_FAILED);
    assertThat(of("If-None-Match", TAG).evaluate("HEAD", TAG, MODIFIED)).isEqualTo(NOT_MODIFIED);
  }

  @Test
  void ifNoneMatchStarRefusesToOverwrite() {
    Conditionals star = of("If-None-Match", "*");
    assertThat(star.evaluate("PUT", TAG, MODIFIED)).isEqualTo(PRECONDITION_FAILED);
    assertThat(star.evaluate("PUT", null, null)).isEqualTo(PROCEED);
    assertThat(star.evaluate("GET", TAG, MODIFIED)).isEqualTo(NOT_MODIFIED);
  }

  @Test
  void ifModifiedSinceComparesWholeSeconds() {
    assertThat(get("If-Modified-Since", AT)).isEqualTo(NOT_MODIFIED);
    assertThat(get("If-Modified-Since", AFTER)).isEqualTo(NOT_MODIFIED);
    assertThat(get("If-Modified-Since", BEFORE)).isEqualTo(PROCEED);
  }

  @Test
  void ifModifiedSinceIsIgnoredWhenInvalidOrNotGetOrWithIfNoneMatch() {
    assertThat(get("If-Modified-Since", "not a date")).isEqualTo(PROCEED);
    assertThat(of("If-Modified-Since", AT).evaluate("POST", TAG, MODIFIED)).isEqualTo(PROCEED);
    assertThat(get("If-Modified-Since", AT, "If-None-Match", "\"other\"")).isEqualTo(PROCEED);
  }

  @Test
  void ifUnmodifiedSinceFailsWhenChangedAfterTheDate() {
    assertThat(get("If-Unmodified-Since", BEFORE)).isEqualTo(PRECONDITION_FAILED);
    assertThat(get("If-Unmodified-Since", AT)).isEqualTo(PROCEED);
    assertThat(get("If-Unmodified-Since", "garbage")).isEqualTo(PROCEED);
  }

  @Test
  void ifUnmodifiedSinceIsIgnoredWhenIfMatchIsPresent() {
    assertThat(get("If-Match", TAG, "If-Unmodified-Since", BEFORE)).isEqualTo(PROCEED);
  }

  @Test
  void ifMatchIsEvaluatedBeforeIfNoneMatch() {
    assertThat(get("If-Match", "\"x\"", "If-None-Match", TAG)).isEqualTo(PRECONDITION_FAILED);
    assertThat(get("If-Match", TAG, "If-None-Match", TAG)).isEqualTo(NOT_MODIFIED);
  }

  @Test
  void ifRangeWithATag() {
    assertThat(of("If-Range", TAG).ifRangeHolds(TAG, MODIFIED, NOW)).isTrue();
    assertThat(of("If-Range", " " + TAG + " ").ifRangeHolds(TAG, MODIFIED, NOW)).isTrue();
    assertThat(of("If-Range", "\"x\"").ifRangeHolds(TAG, MODIFIED, NOW)).isFalse();
    assertThat(of("If-Range", "W/" + TAG).ifRangeHolds(TAG, MODIFIED, NOW)).isFalse();
    assertThat(of("If-Range", TAG).ifRangeHolds("W/" + TAG, MODIFIED, NOW)).isFalse();
    assertThat(of("If-Range", TAG + ", \"x\"").ifRangeHolds(TAG, MODIFIED, NOW)).isFalse();
  }

  @Test
  void ifRangeWithADateMustEqualLastModifiedExactly() {
    assertThat(of("If-Range", AT).ifRangeHolds(TAG, MODIFIED, NOW)).isTrue();
    assertThat(of("If-Range", AFTER).ifRangeHolds(TAG, MODIFIED, NOW)).isFalse();
    assertThat(of("If-Range", BEFORE).ifRangeHolds(TAG, MODIFIED, NOW)).isFalse();
    assertThat(of("If-Range", "Sunday, 01-Nov-26 10:00:00 GMT").ifRangeHolds(TAG, MODIFIED, NOW))
        .isTrue();
    assertThat(of("If-Range", AT).ifRangeHolds(TAG, null, NOW)).isFalse();
    assertThat(of("If-Range", "garbage").ifRangeHolds(TAG, MODIFIED, NOW)).isFalse();
  }

  @Test
  void ifRangeWithADateWithinASecondOfTheChangeIsWeakAndFails() {
    Conditionals conditions = of("If-Range", AT);
    assertThat(conditions.ifRangeHolds(TAG, MODIFIED, MODIFIED.plusMillis(999))).isFalse();
    assertThat(conditions.ifRangeHolds(TAG, MODIFIED, MODIFIED.plusSeconds(1))).isTrue();
  }

  @Test
  void noIfRangeAlwaysHolds() {
    assertThat(Conditionals.NONE.ifRangeHolds(TAG, MODIFIED, NOW)).isTrue();
  }
}
