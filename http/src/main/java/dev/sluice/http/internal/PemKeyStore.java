package dev.sluice.http.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory key store built from the PEM files web servers take (a certificate chain, leaf
 * first, and its unencrypted PKCS#8 private key), with the JDK's own {@link CertificateFactory} and
 * {@link KeyFactory}: no key store file, no extra library. Other key encodings are refused with the
 * {@code openssl} command that converts them.
 */
public final class PemKeyStore {

  /** The alias of the one key entry, and the in-memory store's password. */
  public static final String ALIAS = "sluice";

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

  private PemKeyStore() {}

  /**
   * A PKCS#12 key store holding the key of {@code keyPem} with the chain of {@code certPem}, under
   * {@link #ALIAS} with password {@link #ALIAS}.
   *
   * @throws IllegalArgumentException naming the file and what it lacks (never the key's content)
   * @throws IOException if a file cannot be read
   */
  public static KeyStore load(Path certPem, Path keyPem) throws IOException {
    List<Certificate> chain = certificates(certPem);
    PrivateKey key = privateKey(keyPem);
    requireMatch(key, chain.get(0), keyPem);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, key, ALIAS.toCharArray(), chain.toArray(new Certificate[0]));
      return store;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "the key of " + keyPem.getFileName() + " does not fit the certificate: " + e.getMessage(),
          e);
    }
  }

  /** Signs a few bytes with {@code key} and checks them with the leaf certificate's public key. */
  private static void requireMatch(PrivateKey key, Certificate leaf, Path keyPem) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
          default -> null; // RSASSA-PSS needs parameters: the TLS handshake checks it
        };
    if (algorithm == null) {
      return;
    }
    byte[] probe = "sluice".getBytes(StandardCharsets.US_ASCII);
    boolean fits;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf.getPublicKey());
      verifier.update(probe);
      fits = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      fits = false;
    }
    if (!fits) {
      throw new IllegalArgumentException(
          "the key of "
              + keyPem.getFileName()
              + " does not fit the certificate (the first one of the chain)");
    }
  }

  private static List<Certificate> certificates(Path pem) throws IOException {
    byte[] bytes = Files.readAllBytes(pem);
    try {
      List<Certificate> chain =
          List.copyOf(
              CertificateFactory.getInstance("X.509")
                  .generateCertificates(new ByteArrayInputStream(bytes)));
      if (chain.isEmpty()) {
        throw new IllegalArgumentException(
            pem.getFileName() + " holds no certificate (expected BEGIN CERTIFICATE blocks)");
      }
      return chain;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          pem.getFileName() + " is not a PEM certificate chain: " + e.getMessage(), e);
    }
  }

  private static PrivateKey privateKey(Path pem) throws IOException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    Matcher block = BLOCK.matcher(text);
    while (block.find()) {
      String type = block.group(1);
      switch (type) {
        case "PRIVATE KEY" -> {
          byte[] der = Base64.getMimeDecoder().decode(block.group(2).trim());
          return pkcs8(pem, der);
        }
        case "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY" ->
            throw new IllegalArgumentException(
                pem.getFileName()
                    + " holds a "
                    + type
                    + "; an unencrypted PKCS#8 key (BEGIN PRIVATE KEY) is needed: convert it with"
                    + " openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8");
        default -> {
          // e.g. EC PARAMETERS before the key: skip
        }
      }
    }
    throw new IllegalArgumentException(
        pem.getFileName() + " holds no private key (expected a BEGIN PRIVATE KEY block)");
  }

  private static PrivateKey pkcs8(Path pem, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException notThisOne) {
        // the PKCS#8 header names the algorithm; the factory of another one refuses it
      }
    }
    throw new IllegalArgumentException(
        pem.getFileName() + " holds a private key of an algorithm this JVM cannot read");
  }
}
