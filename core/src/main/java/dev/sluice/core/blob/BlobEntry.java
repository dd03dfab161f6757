package dev.sluice.core.blob;

import java.time.Instant;

/**
 * One blob as a listing ({@link BlobStore#list}) shows it: what a {@link Blob} describes, without
 * opening it.
 *
 * @param key the blob's key
 * @param size its length in bytes
 * @param etag its quoted entity tag, as {@link Blob#etag()} gives it
 * @param lastModified when it was last written
 * @param contentType its media type, or null when the store's index does not hold it (S3: a listing
 *     carries no content type; {@link BlobStore#find} has it)
 */
public record BlobEntry(
    String key, long size, String etag, Instant lastModified, String contentType) {

  public BlobEntry {
    if (key == null || etag == null || lastModified == null) {
      throw new NullPointerException("key, etag and lastModified must not be null");
    }
  }
}
