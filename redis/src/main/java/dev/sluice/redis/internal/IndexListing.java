package dev.sluice.redis.internal;

import dev.sluice.core.blob.BlobEntry;
import dev.sluice.core.blob.ObjectKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ZRangeParams;

/**
 * The blobs of a store in key order, read from its key index ({@link BlobKeys#index()}) with {@code
 * ZRANGEBYLEX} in batches of {@link #BATCH} and described from their manifests. A key whose
 * manifest is gone (deleted since the batch was read) is skipped.
 *
 * <p>Not thread-safe: one consumer. It holds nothing open between calls.
 */
public final class IndexListing implements Iterator<BlobEntry> {

  /** Keys read per {@code ZRANGEBYLEX}. */
  static final int BATCH = 500;

  private final UnifiedJedis redis;
  private final BlobKeys keys;
  private final String prefix;
  private String lowerBound; // a ZRANGEBYLEX min: "[prefix" or "(key"
  private final Deque<String> batch = new ArrayDeque<>();
  private boolean lastBatch;
  private BlobEntry next;

  public IndexListing(UnifiedJedis redis, BlobKeys keys, String prefix, String after) {
    this.redis = redis;
    this.keys = keys;
    this.prefix = prefix;
    boolean afterWithin = ObjectKeys.ORDER.compare(after, prefix) >= 0;
    this.lowerBound = afterWithin && !after.isEmpty() ? "(" + after : "[" + prefix;
  }

  @Override
  public boolean hasNext() {
    try {
      while (next == null) {
        if (batch.isEmpty()) {
          if (lastBatch) {
            return false;
          }
          List<String> read =
              redis.zrange(
                  keys.index(), ZRangeParams.zrangeByLexParams(lowerBound, "+").limit(0, BATCH));
          lastBatch = read.size() < BATCH;
          batch.addAll(read);
          if (read.isEmpty()) {
            return false;
          }
          lowerBound = "(" + read.get(read.size() - 1);
        }
        String key = batch.poll();
        if (!key.startsWith(prefix)) {
          batch.clear(); // the index is ordered: no later key starts with the prefix
          lastBatch = true;
          return false;
        }
        Map<String, String> hash = redis.hgetAll(keys.manifest(key));
        if (!hash.isEmpty()) {
          Manifest manifest = Manifest.fromHash(keys.manifest(key), hash);
          next =
              new BlobEntry(
                  key,
                  manifest.size(),
                  manifest.etag(),
                  manifest.lastModified(),
                  manifest.contentType());
        }
      }
      return true;
    } catch (JedisException e) {
      throw new UncheckedIOException(
          new IOException("redis failed while listing " + keys.index(), e));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public BlobEntry next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    BlobEntry entry = next;
    next = null;
    return entry;
  }
}
