package dev.sluice.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * Hashes every byte on its way downstream (the same buffer is passed on, unchanged); on commit,
 * compares with the expected digest, if any, before committing downstream. As an {@link
 * ObservingSink} it may hash on another thread than the one that commits: the digest's state is
 * handed over with the chunks.
 */
final class DigestSink extends ObservingSink implements DigestReporter {

  /** The digest algorithms Sluice names, with their JDK names. */
  public enum Algorithm {
    SHA256("sha256", "SHA-256"),
    SHA512("sha512", "SHA-512"),
    SHA1("sha1", "SHA-1"),
    MD5("md5", "MD5"),
    CRC32C("crc32c", null);

    final String shortName;
    final String jdkName;

    Algorithm(String shortName, String jdkName) {
      this.shortName = shortName;
      this.jdkName = jdkName;
    }

    public String shortName() {
      return shortName;
    }
  }

  private final Algorithm algorithm;
  private final String expectedHex;
  private final MessageDigest digest;
  private final Checksum checksum;
  private String hex;

  public DigestSink(Sink downstream, Algorithm algorithm, String expectedHex) {
    super(downstream);
    this.algorithm = algorithm;
    this.expectedHex = expectedHex == null ? null : expectedHex.toLowerCase(Locale.ROOT);
    if (algorithm.jdkName == null) {
      this.digest = null;
      this.checksum = new CRC32C();
    } else {
      try {
        this.digest = MessageDigest.getInstance(algorithm.jdkName);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK lacks " + algorithm.jdkName, e);
      }
      this.checksum = null;
    }
  }

  @Override
  public void observe(ByteBuffer bytes) {
    if (digest != null) {
      digest.update(bytes);
    } else {
      checksum.update(bytes);
    }
  }

  @Override
  protected void beforeCommit() throws IOException {
    hex = currentHex();
    if (expectedHex != null && !expectedHex.equals(hex)) {
      throw new DigestMismatchException(algorithm.shortName, expectedHex, hex);
    }
  }

  private String currentHex() {
    if (digest != null) {
      return HexFormat.of().formatHex(digest.digest());
    }
    return String.format(Locale.ROOT, "%08x", checksum.getValue());
  }

  @Override
  public String algorithm() {
    return algorithm.shortName;
  }

  @Override
  public String hexDigest() {
    return hex;
  }

  @Override
  protected String name() {
    return algorithm.shortName;
  }
}
