package dev.sluice.redis.internal;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a committed blob's manifest hash holds. The manifest is written last, in one script with the
 * check for an existing blob, so a blob is visible exactly when its manifest exists.
 *
 * @param size content length in bytes
 * @param chunkSize bytes per chunk key; every chunk but the last is full
 * @param chunks the number of chunk keys
 * @param sha256 hex SHA-256 of the content
 * @param contentType the stored media type
 * @param etag a strong entity tag, quoted
 * @param lastModified when this version was committed
 * @param uploadId the upload whose chunks hold the content
 */
public record Manifest(
    long size,
    int chunkSize,
    long chunks,
    String sha256,
    String contentType,
    String etag,
    Instant lastModified,
    String uploadId) {

  /** Marks the hash layout, so a later layout can be told apart. */
  static final String FORMAT = "sluice-blob/1";

  /** The hash fields, in a stable order. */
  public Map<String, String> toHash() {
    Map<String, String> hash = new LinkedHashMap<>();
    hash.put("format", FORMAT);
    hash.put("size", Long.toString(size));
    hash.put("chunkSize", Integer.toString(chunkSize));
    hash.put("chunks", Long.toString(chunks));
    hash.put("sha256", sha256);
    hash.put("contentType", contentType);
    hash.put("etag", etag);
    hash.put("lastModified", lastModified.toString());
    hash.put("uploadId", uploadId);
    return hash;
  }

  /**
   * Reads a manifest hash stored under {@code manifestKey}.
   *
   * @throws IOException if a field is missing or malformed, naming the key and the field
   */
  public static Manifest fromHash(String manifestKey, Map<String, String> hash) throws IOException {
    if (!FORMAT.equals(hash.get("format"))) {
      throw corrupt(manifestKey, "format", hash.get("format"));
    }
    try {
      Manifest manifest =
          new Manifest(
              Long.parseLong(field(manifestKey, hash, "size")),
              Integer.parseInt(field(manifestKey, hash, "chunkSize")),
              Long.parseLong(field(manifestKey, hash, "chunks")),
              field(manifestKey, hash, "sha256"),
              field(manifestKey, hash, "contentType"),
              field(manifestKey, hash, "etag"),
              Instant.parse(field(manifestKey, hash, "lastModified")),
              field(manifestKey, hash, "uploadId"));
      if (manifest.chunkSize <= 0
          || manifest.chunks != (manifest.size + manifest.chunkSize - 1) / manifest.chunkSize) {
        throw new IOException(
            "corrupt blob manifest "
                + manifestKey
                + ": "
                + manifest.chunks
                + " chunks cannot hold "
                + manifest.size
                + " bytes in chunks of "
                + manifest.chunkSize);
      }
      return manifest;
    } catch (NumberFormatException | DateTimeException e) {
      throw new IOException("corrupt blob manifest " + manifestKey + ": " + e.getMessage(), e);
    }
  }

  private static String field(String manifestKey, Map<String, String> hash, String name)
      throws IOException {
    String value = hash.get(name);
    if (value == null) {
      throw corrupt(manifestKey, name, null);
    }
    return value;
  }

  private static IOException corrupt(String manifestKey, String field, String value) {
    return new IOException(
        "corrupt blob manifest " + manifestKey + ": field " + field + " is " + value);
  }
}
