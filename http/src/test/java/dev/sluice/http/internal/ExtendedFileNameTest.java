package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExtendedFileNameTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\u0000',
      value = {
        "form-data; name=\"f\"; filename*=UTF-8''%22a%22 | \"a\"",
        "form-data; filename*=utf-8'en'a+b.txt | a+b.txt",
        "form-data; FILENAME* = UTF-8''%20x%20 | ' x '",
        "form-data; filename*=ISO-8859-1''%E9t%E9 | été",
        "form-data; filename*=UTF-8''%E2%82%AC%F0%9F%98%80 | €😀",
        "form-data; filename=\"plain\"; filename*=UTF-8''star | star",
        "form-data; filename*=UTF-8''a*b'c(d) | a*b'c(d)",
      })
  void decodesTheExtendedParameterExactly(String disposition, String name) {
    String expected = name.startsWith("'") ? name.substring(1, name.length() - 1) : name;
    assertThat(ExtendedFileName.of(disposition)).isEqualTo(expected);
  }

  @Test
  void aFileNameStarInsideAQuotedStringIsNotAParameter() {
    assertThat(ExtendedFileName.of("form-data; filename=\"a; filename*=UTF-8''b\"")).isNull();
    assertThat(ExtendedFileName.of("form-data; filename=\"a\\\"; filename*=UTF-8''b\"")).isNull();
    assertThat(ExtendedFileName.of("form-data; name=\"f\"")).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "form-data; filename*=UTF-8''%",
        "form-data; filename*=UTF-8''%4",
        "form-data; filename*=UTF-8''%g0",
        "form-data; filename*=UTF-8''%C3",
        "form-data; filename*=UTF-8''a b",
        "form-data; filename*=UTF-8''a\u00e9",
        "form-data; filename*=UTF-8''a\"b",
        "form-data; filename*=\"UTF-8''a\"",
        "form-data; filename*=Shift_JIS''a",
        "form-data; filename*=UTF-8'a",
        "form-data; filename*=",
      })
  void whatRfc8187CannotDecodeIsRefusedWithAReason(String disposition) {
    assertThatThrownBy(() -> ExtendedFileName.of(disposition))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("Exception");
  }
}
