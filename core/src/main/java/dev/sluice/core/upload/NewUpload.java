package dev.sluice.core.upload;

import java.time.Instant;
import java.util.Objects;

/**
 * What a new upload is for.
 *
 * @param key the object key the completed upload becomes; validated by the caller
 * @param length the total length in bytes, or {@link Upload#UNKNOWN_LENGTH} until declared
 * @param contentType the media type to store, or null for {@code application/octet-stream}
 * @param metadata opaque client metadata kept with the upload (tus {@code Upload-Metadata}), or
 *     null
 * @param owner who may use the upload: an opaque identity (never a secret, e.g. a token's hash)
 * @param expires when the upload, complete or not, may be swept
 * @param overwrite whether the completed upload may replace an existing object
 * @param expectedSha256 the hex SHA-256 the whole object must have, or null
 */
public record NewUpload(
    String key,
    long length,
    String contentType,
    String metadata,
    String owner,
    Instant expires,
    boolean overwrite,
    String expectedSha256) {

  public NewUpload {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(expires, "expires");
    if (length < Upload.UNKNOWN_LENGTH) {
      throw new IllegalArgumentException("length must be >= 0 or UNKNOWN_LENGTH: " + length);
    }
    if (contentType == null) {
      contentType = "application/octet-stream";
    }
  }
}
