package dev.sluice.redis.internal;

import dev.sluice.core.Receipt;
import dev.sluice.core.blob.BlobSink;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobWriter;
import dev.sluice.core.blob.Precondition;
import dev.sluice.core.blob.PreconditionFailedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Stores a blob behind a {@link BlobSink} as fixed-size chunk keys, then publishes it by writing
 * its manifest (see {@link BlobCommands}). Until then the chunks are invisible (no manifest names
 * them) and carry a staging TTL, so even a crashed client leaves nothing behind for long; {@link
 * #discard} unlinks them at once.
 *
 * <p>Holds one chunk of payload: the bytes are copied into it and sent with one {@code SET} when it
 * is full.
 */
public final class ChunkedBlobWriter implements BlobWriter {

  private static final int UNLINK_BATCH = 512;

  private final UnifiedJedis redis;
  private final BlobKeys keys;
  private final String key;
  private final BlobSpec spec;
  private final String uploadId;
  private final long retiredGraceMillis;
  private final SetParams stagingTtl;
  private final byte[] chunk;
  private int filled;
  private long chunksSent;

  public ChunkedBlobWriter(
      UnifiedJedis redis,
      BlobKeys keys,
      String key,
      BlobSpec spec,
      int chunkSize,
      Duration stagingTtl,
      Duration retiredGrace,
      String uploadId) {
    this.redis = redis;
    this.retiredGraceMillis = retiredGrace.toMillis();
    this.keys = keys;
    this.key = key;
    this.spec = spec;
    this.uploadId = uploadId;
    this.stagingTtl = SetParams.setParams().px(stagingTtl.toMillis());
    this.chunk = new byte[chunkSize];
  }

  @Override
  public void write(ByteBuffer bytes) throws IOException {
    while (bytes.hasRemaining()) {
      int n = Math.min(bytes.remaining(), chunk.length - filled);
      bytes.get(chunk, filled, n);
      filled += n;
      if (filled == chunk.length) {
        sendChunk();
      }
    }
  }

  private void sendChunk() throws IOException {
    byte[] value = filled == chunk.length ? chunk : Arrays.copyOf(chunk, filled);
    long n = chunksSent++; // counted before sending: a failed SET may still have landed
    try {
      redis.set(keys.chunk(key, uploadId, n), value, stagingTtl);
    } catch (JedisException e) {
      throw RedisErrors.wrap("writing chunk " + n + " of " + this, e);
    }
    filled = 0;
  }

  @Override
  public Receipt publish(String sha256, long size) throws IOException {
    if (filled > 0) {
      sendChunk();
    }
    Manifest manifest =
        new Manifest(
            size,
            chunk.length,
            chunksSent,
            sha256,
            spec.contentType(),
            "\"" + sha256.substring(0, 32) + "\"",
            Instant.now(),
            uploadId);
    try {
      while (true) {
        String expected = expectedUploadId();
        try {
          BlobCommands.commit(
              redis, keys, key, manifest, spec.overwrite(), expected, retiredGraceMillis);
          break;
        } catch (BlobCommands.Changed e) {
          // another version was committed since the precondition was tested: test it again
        }
      }
    } catch (JedisConnectionException e) {
      return receiptIfCommittedAnyway(manifest, e);
    } catch (JedisException e) {
      throw RedisErrors.wrap("committing " + this, e);
    }
    return receipt(manifest);
  }

  /**
   * "*" without a precondition; otherwise the upload id of the current version ("" for none) once
   * the precondition holds for it, for the commit script to compare and swap.
   */
  private String expectedUploadId() throws IOException {
    return versionHolding(redis, keys, key, spec.precondition());
  }

  /**
   * The upload id of the version under {@code key} that {@code precondition} holds for, for a
   * commit or delete script that swaps only while it is still current: {@code "*"} for no
   * precondition, {@code ""} for "no object".
   *
   * @throws PreconditionFailedException if the precondition does not hold for the current version
   */
  public static String versionHolding(
      UnifiedJedis redis, BlobKeys keys, String key, Precondition precondition) throws IOException {
    if (precondition == Precondition.NONE) {
      return "*";
    }
    Map<String, String> hash = redis.hgetAll(keys.manifest(key));
    Manifest current = hash.isEmpty() ? null : Manifest.fromHash(keys.manifest(key), hash);
    boolean holds =
        current == null
            ? precondition.holds(null, null)
            : precondition.holds(current.etag(), current.lastModified());
    if (!holds) {
      throw new PreconditionFailedException(key);
    }
    return current == null ? "" : current.uploadId();
  }

  private Receipt receipt(Manifest manifest) {
    return Receipt.of(toString())
        .with("sha256", manifest.sha256())
        .with("bytes", manifest.size())
        .with("etag", manifest.etag())
        .with("chunks", manifest.chunks());
  }

  /**
   * The connection failed around the commit script, so it may or may not have run. If the manifest
   * now names this upload, the commit happened; otherwise the chunks are left to their staging TTL
   * rather than unlinked, because unlinking chunks a manifest names would corrupt a visible blob.
   */
  private Receipt receiptIfCommittedAnyway(Manifest manifest, JedisConnectionException failure)
      throws IOException {
    String visible;
    try {
      visible = redis.hget(keys.manifest(key), "uploadId");
    } catch (JedisException e) {
      failure.addSuppressed(e);
      throw new CommitOutcomeUnknown(
          "lost the connection while committing "
              + this
              + " and could not check whether the commit happened",
          failure);
    }
    if (uploadId.equals(visible)) {
      return receipt(manifest);
    }
    throw new CommitOutcomeUnknown(
        "lost the connection while committing "
            + this
            + "; it was not committed and its chunks expire with their staging TTL",
        failure);
  }

  /** A commit failure after which the chunks are left to expire (see above), not unlinked. */
  private static final class CommitOutcomeUnknown extends IOException {
    CommitOutcomeUnknown(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Unlinks every chunk this upload may have written; failures are attached to {@code cause}. */
  @Override
  public void discard(Throwable cause) {
    if (cause instanceof CommitOutcomeUnknown) {
      return;
    }
    try {
      for (long first = 0; first < chunksSent; first += UNLINK_BATCH) {
        int count = (int) Math.min(UNLINK_BATCH, chunksSent - first);
        byte[][] batch = new byte[count][];
        for (int i = 0; i < count; i++) {
          batch[i] = keys.chunk(key, uploadId, first + i);
        }
        RedisErrors.cleanUp(() -> redis.unlink(batch));
      }
    } catch (RuntimeException e) {
      if (cause != null && cause != e) {
        cause.addSuppressed(e);
      }
    }
  }

  @Override
  public String toString() {
    return "redis-blob(" + keys.manifest(key) + ")";
  }
}
