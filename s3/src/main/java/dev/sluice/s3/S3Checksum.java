package dev.sluice.s3;

import java.util.Locale;

/**
 * The S3 additional checksum sent with every part and with the whole object; S3 verifies it on
 * receipt and stores it with the object.
 */
public enum S3Checksum {
  /**
   * CRC-32C per part, and a full-object CRC-32C on completion (S3 checksum type {@code
   * FULL_OBJECT}). Cheap: the default.
   */
  CRC32C,
  /** SHA-256 per part; S3 derives a composite checksum of the part checksums for the object. */
  SHA256;

  /**
   * Parses {@code crc32c} or {@code sha256}, in any case.
   *
   * @throws IllegalArgumentException naming the input and the accepted values
   */
  public static S3Checksum parse(String text) {
    String name = text == null ? "" : text.trim().toUpperCase(Locale.ROOT).replace("-", "");
    for (S3Checksum checksum : values()) {
      if (checksum.name().equals(name)) {
        return checksum;
      }
    }
    throw new IllegalArgumentException(
        "invalid s3-checksum '" + text + "': expected crc32c or sha256");
  }
}
