package dev.sluice.s3.internal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.zip.CRC32C;

/** The checksum encodings S3 expects: base64 of the big-endian bytes. */
final class Checksums {

  private Checksums() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** Base64 of the CRC-32C of the remaining bytes of {@code data} (which is not moved). */
  static String crc32c(ByteBuffer data) {
    CRC32C crc = new CRC32C();
    crc.update(data.duplicate());
    return base64(crc);
  }

  /** Base64 of the SHA-256 of the remaining bytes of {@code data} (which is not moved). */
  static String sha256(ByteBuffer data) {
    MessageDigest digest = sha256();
    digest.update(data.duplicate());
    return Base64.getEncoder().encodeToString(digest.digest());
  }

  /** Base64 of a CRC's 32-bit value, big-endian. */
  static String base64(CRC32C crc) {
    int value = (int) crc.getValue();
    return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt(value).array());
  }
}
