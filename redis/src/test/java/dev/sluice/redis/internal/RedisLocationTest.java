package dev.sluice.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisLocationTest {

  @Test
  void readsHostPortDatabaseAndAKeyWithSlashes() {
    RedisLocation at = RedisLocation.parse("redis://127.0.0.1:6380/3/blobs/a%20b/c.bin");

    assertThat(at.host()).isEqualTo("127.0.0.1");
    assertThat(at.port()).isEqualTo(6380);
    assertThat(at.database()).isEqualTo(3);
    assertThat(at.key()).isEqualTo("blobs/a b/c.bin");
    assertThat(at.prefix()).isEqualTo("sluice");
    assertThat(at.chunkSize()).isZero();
    assertThat(at.tls()).isFalse();
    assertThat(at.server()).isEqualTo("redis://127.0.0.1:6380/3");
  }

  @Test
  void defaultsToPort6379AndDatabase0() {
    RedisLocation at = RedisLocation.parse("redis://localhost");

    assertThat(at.port()).isEqualTo(6379);
    assertThat(at.database()).isZero();
    assertThat(at.key()).isEmpty();
  }

  @Test
  void readsCredentialsTlsAndParameters() {
    RedisLocation at =
        RedisLocation.parse("rediss://app:s%40cret@cache:6390/1?prefix=media&chunk-size=256KiB");

    assertThat(at.tls()).isTrue();
    assertThat(at.user()).isEqualTo("app");
    assertThat(at.password()).isEqualTo("s@cret");
    assertThat(at.prefix()).isEqualTo("media");
    assertThat(at.chunkSize()).isEqualTo(256 * 1024);
    assertThat(at.server()).isEqualTo("rediss://cache:6390/1");
  }

  @Test
  void aPasswordWithoutAUserIsAPassword() {
    RedisLocation at = RedisLocation.parse("redis://:pw@h/0");

    assertThat(at.user()).isNull();
    assertThat(at.password()).isEqualTo("pw");
  }

  @Test
  void refusesADatabaseThatIsNotANumber() {
    assertThatThrownBy(() -> RedisLocation.parse("redis://h:1/blobs/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid Redis location redis://h:1/blobs/x: the database must be a number, not blobs");
  }

  @Test
  void refusesUnknownParametersAndBadChunkSizes() {
    assertThatThrownBy(() -> RedisLocation.parse("redis://h/0?prefx=a"))
        .hasMessage(
            "invalid Redis location redis://h/0?prefx=a: unknown parameter prefx (known: prefix,"
                + " chunk-size)");
    assertThatThrownBy(() -> RedisLocation.parse("redis://h/0?chunk-size=0"))
        .hasMessage(
            "invalid Redis location redis://h/0?chunk-size=0: chunk-size must be 1..512MiB: 0");
    assertThatThrownBy(() -> RedisLocation.parse("redis://h/0?prefix="))
        .hasMessage("invalid Redis location redis://h/0?prefix=: prefix must not be empty");
  }

  @Test
  void hidesThePasswordInMessages() {
    assertThatThrownBy(() -> RedisLocation.parse("redis://u:secret@h/x"))
        .hasMessageNotContaining("secret")
        .hasMessageStartingWith("invalid Redis location redis://***@h/x:");
  }

  @Test
  void refusesOtherSchemesAndMissingHosts() {
    assertThatThrownBy(() -> RedisLocation.parse("http://h/0"))
        .hasMessage("invalid Redis location http://h/0: it must start with redis:// or rediss://");
    assertThatThrownBy(() -> RedisLocation.parse("redis:///0"))
        .hasMessage("invalid Redis location redis:///0: it names no host");
  }
}
