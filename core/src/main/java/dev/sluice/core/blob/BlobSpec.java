package dev.sluice.core.blob;

import dev.sluice.core.DigestMismatchException;

/**
 * How to store a new blob.
 *
 * @param contentType the media type to store; {@code application/octet-stream} when null
 * @param overwrite whether an existing blob under the same key may be replaced
 * @param expectedSha256 the hex SHA-256 the content must have, or null; the store's sink hashes
 *     what it stores anyway and refuses to commit on a mismatch ({@link DigestMismatchException})
 */
public record BlobSpec(String contentType, boolean overwrite, String expectedSha256) {

  public BlobSpec {
    if (contentType == null) {
      contentType = "application/octet-stream";
    }
  }

  /** An octet stream that may replace an existing blob, with no expected digest. */
  public static BlobSpec defaults() {
    return new BlobSpec(null, true, null);
  }
}
