package dev.sluice.core.upload;

import java.time.Instant;

/**
 * One upload's state, as the store holds it when read.
 *
 * @param id the unguessable id its resource is named by
 * @param key the object key it becomes on completion
 * @param length the declared total length, or {@link #UNKNOWN_LENGTH}
 * @param offset the bytes durably received so far
 * @param complete whether it has been completed (its object published)
 * @param contentType the media type to store
 * @param metadata opaque client metadata, or null
 * @param owner the identity that created it
 * @param created when it was created
 * @param expires when it may be swept
 * @param overwrite whether completion may replace an existing object
 * @param expectedSha256 the hex SHA-256 the whole object must have, or null
 * @param sha256 the hex SHA-256 of the published object once complete, else null
 */
public record Upload(
    String id,
    String key,
    long length,
    long offset,
    boolean complete,
    String contentType,
    String metadata,
    String owner,
    Instant created,
    Instant expires,
    boolean overwrite,
    String expectedSha256,
    String sha256) {

  /** The length of an upload whose length is not declared yet. */
  public static final long UNKNOWN_LENGTH = -1;

  /** Whether the total length is known. */
  public boolean lengthKnown() {
    return length != UNKNOWN_LENGTH;
  }

  /** Whether it expired at {@code now}. */
  public boolean expiredAt(Instant now) {
    return !now.isBefore(expires);
  }
}
