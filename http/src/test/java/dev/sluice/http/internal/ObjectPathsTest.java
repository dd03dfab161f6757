package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.blob.ObjectKeys;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ObjectPathsTest {

  @Provide
  Arbitrary<String> keys() {
    Arbitrary<String> segment =
        Arbitraries.strings()
            .all() // any code point, surrogate pairs included
            .ofMinLength(1)
            .ofMaxLength(12);
    return segment.list().ofMinSize(1).ofMaxSize(5).map(parts -> String.join("/", parts));
  }

  @Property(tries = 2000)
  void decodingThePathOfAValidKeyGivesTheKeyBack(@ForAll("keys") String key) {
    try {
      ObjectKeys.validate(key);
    } catch (IllegalArgumentException e) {
      Assume.that(false);
    }
    String path = ObjectPaths.of(key);
    assertThat(path).matches("/objects/[A-Za-z0-9%._*/-]*");
    assertThat(ObjectPaths.key(path)).isEqualTo(key);
  }

  @Example
  void plusAndSemicolonAreOrdinaryCharacters() {
    assertThat(ObjectPaths.key("/objects/a+b;c=d/e")).isEqualTo("a+b;c=d/e");
    assertThat(ObjectPaths.key("/objects/a%20b%2Bc")).isEqualTo("a b+c");
  }

  @Example
  void aMalformedEscapeIsA400NamingWhereItIs() {
    assertThatThrownBy(() -> ObjectPaths.key("/objects/a%zzb"))
        .isInstanceOf(HttpProblem.class)
        .hasMessage(
            "malformed percent-escape at index 10 of /objects/a%zzb: % must be followed by two hex"
                + " digits");
    assertThatThrownBy(() -> ObjectPaths.key("/objects/a%2")).isInstanceOf(HttpProblem.class);
  }

  @Example
  void anEncodedSlashIsRefused() {
    assertThatThrownBy(() -> ObjectPaths.key("/objects/a%2fb"))
        .isInstanceOf(HttpProblem.class)
        .hasMessageContaining("an encoded slash (%2F) inside a key segment is not allowed");
  }

  @Example
  void escapesThatAreNotUtf8AreRefused() {
    assertThatThrownBy(() -> ObjectPaths.key("/objects/a%C0%AFb"))
        .isInstanceOf(HttpProblem.class)
        .hasMessage("the percent-escapes in /objects/a%C0%AFb are not UTF-8");
    assertThatThrownBy(() -> ObjectPaths.key("/objects/%ED%A0%80")).isInstanceOf(HttpProblem.class);
  }
}
