package dev.sluice.core.blob;

import dev.sluice.core.DigestMismatchException;
import java.util.Objects;

/**
 * How to store a new blob.
 *
 * @param contentType the media type to store; {@code application/octet-stream} when null
 * @param overwrite whether an existing blob under the same key may be replaced
 * @param expectedSha256 the hex SHA-256 the content must have, or null; the store's sink hashes
 *     what it stores anyway and refuses to commit on a mismatch ({@link DigestMismatchException})
 * @param precondition tested against the key's current version atomically with the commit ({@link
 *     PreconditionFailedException} when it does not hold); {@link Precondition#NONE} when null
 */
public record BlobSpec(
    String contentType, boolean overwrite, String expectedSha256, Precondition precondition) {

  public BlobSpec {
    if (contentType == null) {
      contentType = "application/octet-stream";
    }
    if (precondition == null) {
      precondition = Precondition.NONE;
    }
  }

  /** A spec without a precondition. */
  public BlobSpec(String contentType, boolean overwrite, String expectedSha256) {
    this(contentType, overwrite, expectedSha256, Precondition.NONE);
  }

  /** An octet stream that may replace an existing blob, with no expected digest. */
  public static BlobSpec defaults() {
    return new BlobSpec(null, true, null);
  }

  /** This spec with {@code precondition} tested at commit. */
  public BlobSpec withPrecondition(Precondition precondition) {
    return new BlobSpec(
        contentType, overwrite, expectedSha256, Objects.requireNonNull(precondition));
  }
}
