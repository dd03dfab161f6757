package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class UrlSignerTest {

  private final UrlSigner signer = new UrlSigner("secret");
  private final Instant now = Instant.ofEpochSecond(1_000_000);

  @Test
  void aSignatureVerifiesForItsKeyUntilItExpires() {
    String sig = signer.signature("a/b.bin", 1_000_600);
    assertThat(signer.verify("a/b.bin", 1_000_600, sig, now)).isTrue();
    assertThat(signer.verify("a/b.bin", 1_000_600, sig, now.plusSeconds(600))).isTrue();
    assertThat(signer.verify("a/b.bin", 1_000_600, sig, now.plusSeconds(601))).isFalse();
  }

  @Test
  void aSignatureDoesNotVerifyForAnotherKeyExpiryOrSecret() {
    String sig = signer.signature("a/b.bin", 1_000_600);
    assertThat(signer.verify("a/c.bin", 1_000_600, sig, now)).isFalse();
    assertThat(signer.verify("a/b.bin", 1_000_601, sig, now)).isFalse();
    assertThat(new UrlSigner("other").verify("a/b.bin", 1_000_600, sig, now)).isFalse();
    assertThat(signer.verify("a/b.bin", 1_000_600, null, now)).isFalse();
  }

  @Test
  void signedPathEncodesTheKeyAndCarriesExpiresAndSig() {
    String path = signer.signedPath("dir/a b.bin", Instant.ofEpochSecond(42));
    assertThat(path)
        .isEqualTo("/objects/dir/a%20b.bin?expires=42&sig=" + signer.signature("dir/a b.bin", 42));
    assertThat(signer.signature("x", 1)).doesNotContain("=", "+", "/");
  }

  @Test
  void anEmptySecretIsRefused() {
    assertThatThrownBy(() -> new UrlSigner(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a signing secret is required (the server's token)");
  }
}
