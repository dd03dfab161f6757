package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.http.internal.PemKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM certificate and key files read into an in-memory key store, or refused saying why. */
class PemKeyStoreTest {

  @TempDir Path dir;

  @Test
  void rsaAndEcKeysLoadWithTheirChain() throws Exception {
    for (String algorithm : new String[] {"RSA", "EC"}) {
      Path sub = Files.createDirectories(dir.resolve(algorithm));
      TestCertificates certs = TestCertificates.create(sub, algorithm);
      KeyStore store = PemKeyStore.load(certs.cert(), certs.key());
      assertThat(store.isKeyEntry(PemKeyStore.ALIAS)).isTrue();
      assertThat(store.getCertificateChain(PemKeyStore.ALIAS)).hasSize(1);
      assertThat(store.getKey(PemKeyStore.ALIAS, PemKeyStore.ALIAS.toCharArray()).getAlgorithm())
          .isEqualTo(algorithm);
    }
  }

  @Test
  void aPkcs1KeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
    TestCertificates certs = TestCertificates.create(dir, "RSA");
    Path pkcs1 = dir.resolve("rsa.pem");
    Files.writeString(pkcs1, TestCertificates.pem("RSA PRIVATE KEY", new byte[] {1, 2, 3}));
    assertThatThrownBy(() -> PemKeyStore.load(certs.cert(), pkcs1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "rsa.pem holds a RSA PRIVATE KEY; an unencrypted PKCS#8 key (BEGIN PRIVATE KEY) is"
                + " needed: convert it with openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8");
  }

  @Test
  void filesSwappedOrEmptyAreRefusedNamingTheFile() throws Exception {
    TestCertificates certs = TestCertificates.create(dir, "EC");
    assertThatThrownBy(() -> PemKeyStore.load(certs.key(), certs.key()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("key.pem");
    assertThatThrownBy(() -> PemKeyStore.load(certs.cert(), certs.cert()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cert.pem holds no private key (expected a BEGIN PRIVATE KEY block)");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() throws Exception {
    TestCertificates one = TestCertificates.create(Files.createDirectories(dir.resolve("1")), "EC");
    TestCertificates two = TestCertificates.create(Files.createDirectories(dir.resolve("2")), "EC");
    assertThatThrownBy(() -> PemKeyStore.load(one.cert(), two.key()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit the certificate");
  }
}
