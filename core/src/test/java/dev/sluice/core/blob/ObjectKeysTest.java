package dev.sluice.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectKeysTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "a/b/c",
        "file.tar.gz",
        ".hidden",
        "a/.b/..c/...",
        "%2E",
        "spaces are fine",
        "ünïcødé/日本語/😀",
        "ab:c",
        "C"
      })
  void acceptsOrdinaryKeys(String key) {
    assertThat(ObjectKeys.validate(key)).isEqualTo(key);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/etc/passwd|invalid key \"/etc/passwd\": must not be an absolute path (starts with /)",
        "a:b|invalid key \"a:b\": must not be an absolute path (starts with a drive letter)",
        "C:/x|invalid key \"C:/x\": must not be an absolute path (starts with a drive letter)",
        "../x|invalid key \"../x\": '..' segment at index 0",
        "a/../../x|invalid key \"a/../../x\": '..' segment at index 2",
        "a/..|invalid key \"a/..\": '..' segment at index 2",
        "./a|invalid key \"./a\": '.' segment at index 0",
        "a/./b|invalid key \"a/./b\": '.' segment at index 2",
        "a//b|invalid key \"a//b\": empty segment at index 2",
        "a/|invalid key \"a/\": empty segment at index 2",
        "a\\b|invalid key \"a\\\\b\": backslash at index 1 (a path separator on some systems)",
        "..\\x|invalid key \"..\\\\x\": backslash at index 2 (a path separator on some systems)"
      })
  void rejectsPathTricksNamingTheRule(String key, String message) {
    assertThatThrownBy(() -> ObjectKeys.validate(key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void rejectsEmptyAndNull() {
    assertThatThrownBy(() -> ObjectKeys.validate(""))
        .hasMessage("invalid key \"\": must not be empty");
    assertThatThrownBy(() -> ObjectKeys.validate(null))
        .hasMessage("invalid key \"\": must not be empty");
  }

  @Test
  void rejectsControlCharactersShowingThemEscaped() {
    assertThatThrownBy(() -> ObjectKeys.validate("a\u0000b"))
        .hasMessage("invalid key \"a\\u0000b\": control character U+0000 at index 1");
    assertThatThrownBy(() -> ObjectKeys.validate("a\r\nSet-Cookie: x"))
        .hasMessage(
            "invalid key \"a\\u000D\\u000ASet-Cookie: x\": control character U+000D at index 1");
    assertThatThrownBy(() -> ObjectKeys.validate("tab\there"))
        .hasMessage("invalid key \"tab\\u0009here\": control character U+0009 at index 3");
    assertThatThrownBy(() -> ObjectKeys.validate("del\u007f"))
        .hasMessage("invalid key \"del\\u007F\": control character U+007F at index 3");
    assertThatThrownBy(() -> ObjectKeys.validate("c1\u0085"))
        .hasMessage("invalid key \"c1\\u0085\": control character U+0085 at index 2");
  }

  @Test
  void rejectsUnpairedSurrogates() {
    assertThatThrownBy(() -> ObjectKeys.validate("x\uD800"))
        .hasMessage("invalid key \"x\\uD800\": unpaired surrogate U+D800 at index 1");
    assertThatThrownBy(() -> ObjectKeys.validate("\uDC00x"))
        .hasMessage("invalid key \"\\uDC00x\": unpaired surrogate U+DC00 at index 0");
  }

  @Test
  void acceptsExactly1024BytesOfUtf8() {
    assertThat(ObjectKeys.validate("k".repeat(1024))).hasSize(1024);
    // 341 three-byte characters and one byte: 1024 bytes
    assertThat(ObjectKeys.validate("語".repeat(341) + "k")).hasSize(342);
  }

  @Test
  void rejectsLongerKeysCountingBytesNotCharacters() {
    assertThatThrownBy(() -> ObjectKeys.validate("k".repeat(1025)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("…\": longer than 1024 bytes of UTF-8 (1025)");
    assertThatThrownBy(() -> ObjectKeys.validate("語".repeat(342)))
        .hasMessageEndingWith(": longer than 1024 bytes of UTF-8 (1026)");
  }

  @Test
  void aHugeKeyIsQuotedOnlyInPart() {
    String huge = "x".repeat(1_000_000);
    assertThatThrownBy(() -> ObjectKeys.validate(huge))
        .hasMessage(
            "invalid key \"" + "x".repeat(200) + "…\": longer than 1024 bytes of UTF-8 (1000000)");
  }
}
