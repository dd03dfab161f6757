package dev.sluice.redis.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Reads a region of a chunked blob with {@code GETRANGE} on the chunk keys the region touches: it
 * never fetches bytes outside the region. Each fetch is the rest of the current chunk within the
 * region, capped at {@code max(dst.remaining(), 1 MiB)} bytes — one round trip per default-sized
 * chunk; what the caller's buffer cannot take is kept for the next read.
 */
final class ChunkedBlobChannel implements ReadableByteChannel {

  private static final int MIN_FETCH = 1024 * 1024;

  private final UnifiedJedis redis;
  private final BlobKeys keys;
  private final String key;
  private final Manifest manifest;
  private final long end;
  private long position;
  private byte[] pending = new byte[0];
  private int pendingOffset;
  private boolean open = true;

  ChunkedBlobChannel(
      UnifiedJedis redis, BlobKeys keys, String key, Manifest manifest, long offset, long length) {
    this.redis = redis;
    this.keys = keys;
    this.key = key;
    this.manifest = manifest;
    this.position = offset;
    this.end = offset + length;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (!open) {
      throw new ClosedChannelException();
    }
    if (!dst.hasRemaining()) {
      return 0;
    }
    if (pendingOffset == pending.length) {
      if (position == end) {
        return -1;
      }
      fetch(dst.remaining());
    }
    int n = Math.min(dst.remaining(), pending.length - pendingOffset);
    dst.put(pending, pendingOffset, n);
    pendingOffset += n;
    return n;
  }

  private void fetch(int wanted) throws IOException {
    int chunkSize = manifest.chunkSize();
    long index = position / chunkSize;
    int within = (int) (position % chunkSize);
    int n =
        (int) Math.min(Math.min(chunkSize - within, end - position), Math.max(wanted, MIN_FETCH));
    byte[] bytes;
    try {
      bytes = redis.getrange(keys.chunk(key, manifest.uploadId(), index), within, within + n - 1L);
    } catch (JedisException e) {
      throw RedisErrors.wrap("reading chunk " + index + " of " + keys.manifest(key), e);
    }
    if (bytes.length != n) {
      throw new IOException(
          "blob "
              + keys.manifest(key)
              + " changed while being read: chunk "
              + index
              + " of upload "
              + manifest.uploadId()
              + " gave "
              + bytes.length
              + " of "
              + n
              + " bytes (the blob was replaced or deleted)");
    }
    pending = bytes;
    pendingOffset = 0;
    position += n;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    pending = new byte[0];
    pendingOffset = 0;
  }
}
