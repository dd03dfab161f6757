package dev.sluice.redis.internal;

import java.nio.charset.StandardCharsets;

/**
 * Where a blob store under {@code prefix} keeps its keys: the manifest of blob {@code KEY} is the
 * hash {@code PREFIX:blob:KEY}, its chunks are the strings {@code PREFIX:chunk:KEY:UPLOAD:N} (N
 * from 0); the sorted set {@code PREFIX:index} holds every visible blob's key (score 0, so ordered
 * by its bytes), kept by the scripts that publish and delete. Manifests, chunks and the index live
 * in separate namespaces, so no blob key can name another blob's chunk or the index.
 */
public record BlobKeys(String prefix) {

  public BlobKeys {
    if (prefix == null || prefix.isEmpty()) {
      throw new IllegalArgumentException("prefix must not be empty: " + prefix);
    }
  }

  /** The manifest hash of {@code key}. */
  public String manifest(String key) {
    return prefix + ":blob:" + key;
  }

  /** The sorted set of the keys of every visible blob, for listing. */
  public String index() {
    return prefix + ":index";
  }

  /** What the chunk keys of every upload of {@code key} start with; the upload id follows. */
  public String chunkRoot(String key) {
    return prefix + ":chunk:" + key + ":";
  }

  /** What the chunk keys of one upload start with; the chunk number follows. */
  public String chunkPrefix(String key, String uploadId) {
    return chunkRoot(key) + uploadId + ":";
  }

  /** The key of chunk {@code n} of one upload, as bytes. */
  public byte[] chunk(String key, String uploadId, long n) {
    return (chunkPrefix(key, uploadId) + n).getBytes(StandardCharsets.UTF_8);
  }
}
