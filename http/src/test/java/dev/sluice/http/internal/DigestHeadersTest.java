package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DigestHeadersTest {

  private static final byte[] DATA = "hello".getBytes();

  private static byte[] digest(String algorithm) throws Exception {
    return MessageDigest.getInstance(algorithm).digest(DATA);
  }

  @Test
  void parsesSha256AndSha512ByteSequencesAndIgnoresUnknownAlgorithms() throws Exception {
    String b256 = Base64.getEncoder().encodeToString(digest("SHA-256"));
    String b512 = Base64.getEncoder().encodeToString(digest("SHA-512"));
    DigestHeaders parsed =
        DigestHeaders.parse(
            "sha-256=:" + b256 + ":, unixsum=:AAA=:, sha-512=:" + b512 + ":", null, null);
    assertThat(parsed.sha256()).isEqualTo(HexFormat.of().formatHex(digest("SHA-256")));
    assertThat(parsed.sha512()).isEqualTo(HexFormat.of().formatHex(digest("SHA-512")));
    assertThat(parsed.md5()).isNull();
  }

  @Test
  void parsesContentMd5() throws Exception {
    DigestHeaders parsed =
        DigestHeaders.parse(null, null, Base64.getEncoder().encodeToString(digest("MD5")));
    assertThat(parsed.md5()).isEqualTo("5d41402abc4b2a76b9719d911017c592");
  }

  @Test
  void malformedValuesAre400NamingTheHeaderAndRule() {
    assertThatThrownBy(() -> DigestHeaders.parse("sha-256=abc", null, null))
        .isInstanceOf(HttpProblem.class)
        .hasMessage(
            "Content-Digest sha-256 must be a byte sequence :BASE64: (RFC 8941 §3.3.5): abc");
    assertThatThrownBy(() -> DigestHeaders.parse(null, "sha-256=:AAAA:", null))
        .hasMessage("Repr-Digest sha-256 must be 32 bytes, got 3");
    assertThatThrownBy(() -> DigestHeaders.parse(null, null, "!!"))
        .hasMessage("Content-MD5 is not valid base64: !!");
    assertThatThrownBy(() -> DigestHeaders.parse("nonsense", null, null))
        .hasMessage("Content-Digest member must be ALGORITHM=:BASE64: (RFC 9530): nonsense");
  }

  @Test
  void contentAndReprDigestMustAgree() throws Exception {
    String a = Base64.getEncoder().encodeToString(digest("SHA-256"));
    String b =
        Base64.getEncoder()
            .encodeToString(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
    assertThatThrownBy(
            () -> DigestHeaders.parse("sha-256=:" + a + ":", "sha-256=:" + b + ":", null))
        .isInstanceOf(HttpProblem.class)
        .hasMessageStartingWith("Content-Digest and Repr-Digest disagree on sha-256");
  }

  @Test
  void sha256FieldIsTheRfc9530Form() {
    assertThat(DigestHeaders.sha256Field("00".repeat(32)))
        .isEqualTo("sha-256=:" + Base64.getEncoder().encodeToString(new byte[32]) + ":");
  }
}
