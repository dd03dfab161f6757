package dev.sluice.redis.internal;

import dev.sluice.core.blob.Blob;
import java.nio.channels.ReadableByteChannel;
import java.time.Instant;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * A committed chunked blob, as its manifest described it when it was looked up. Reading a blob that
 * was replaced or deleted since then fails with an {@link java.io.IOException} naming it.
 */
public final class RedisBlob implements Blob {

  private final UnifiedJedis redis;
  private final BlobKeys keys;
  private final String key;
  private final Manifest manifest;

  public RedisBlob(UnifiedJedis redis, BlobKeys keys, String key, Manifest manifest) {
    this.redis = redis;
    this.keys = keys;
    this.key = key;
    this.manifest = manifest;
  }

  @Override
  public long size() {
    return manifest.size();
  }

  @Override
  public String etag() {
    return manifest.etag();
  }

  @Override
  public Instant lastModified() {
    return manifest.lastModified();
  }

  @Override
  public String contentType() {
    return manifest.contentType();
  }

  @Override
  public Optional<String> sha256() {
    return Optional.of(manifest.sha256());
  }

  @Override
  public ReadableByteChannel open(long offset, long length) {
    Blob.checkRegion(offset, length, manifest.size());
    return new ChunkedBlobChannel(redis, keys, key, manifest, offset, length);
  }

  /** The manifest this blob was read from. */
  public Manifest manifest() {
    return manifest;
  }

  @Override
  public String toString() {
    return "redis-blob(" + keys.manifest(key) + ", " + manifest.size() + " bytes)";
  }
}
