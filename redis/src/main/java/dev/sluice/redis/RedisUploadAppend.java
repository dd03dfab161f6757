package dev.sluice.redis;

import dev.sluice.core.Receipt;
import dev.sluice.core.upload.AppendLifecycle;
import dev.sluice.core.upload.TrackedAppend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * One append to a Redis upload: fills a chunk (starting with the partial last chunk, if any),
 * writes each full chunk, and when it ends writes the partial rest; a discarded append is rolled
 * back to the chunks it began with (see {@link RedisUploadStore}).
 */
final class RedisUploadAppend implements TrackedAppend {

  private final RedisUploadStore store;
  private final AppendLifecycle lifecycle;
  private final RedisUploadStore.State state;
  private final byte[] chunk;
  private final byte[] partial; // the last chunk as it was, to roll back to; null if none
  private final MessageDigest digest;
  private long index; // the chunk being filled
  private int filled;
  private long written; // chunks counted in Redis, at most
  private long position;

  RedisUploadAppend(
      RedisUploadStore store,
      AppendLifecycle lifecycle,
      RedisUploadStore.State state,
      byte[] chunk,
      byte[] partial,
      long index,
      MessageDigest digest) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.state = state;
    this.chunk = chunk;
    this.partial = partial;
    this.index = index;
    this.filled = partial == null ? 0 : partial.length;
    this.written = state.chunks();
    this.digest = digest;
    this.position = lifecycle.start();
  }

  @Override
  public AppendLifecycle lifecycle() {
    return lifecycle;
  }

  private String id() {
    return lifecycle.id();
  }

  @Override
  public void write(ByteBuffer bytes) throws IOException {
    lifecycle.requireWritable(bytes.remaining(), position);
    while (bytes.hasRemaining()) {
      if (filled == chunk.length) {
        flush();
        index++;
        filled = 0;
      }
      int n = Math.min(bytes.remaining(), chunk.length - filled);
      bytes.get(chunk, filled, n);
      if (digest != null) {
        digest.update(chunk, filled, n);
      }
      filled += n;
      position += n;
    }
  }

  private void flush() throws IOException {
    written = Math.max(written, index + 1); // counted first: a failed write may have landed
    store.writeChunk(state.upload(), index, chunk, filled);
  }

  @Override
  public Receipt commit() throws IOException {
    lifecycle.requireOpen();
    try {
      keep();
    } catch (IOException | RuntimeException e) {
      lifecycle.end(position, null, false);
      throw e;
    }
    return lifecycle.receipt(position);
  }

  private void keep() throws IOException {
    lifecycle.stopWrites();
    if (position > lifecycle.start() && filled > 0) {
      flush();
    }
    lifecycle.end(position, digest, false);
  }

  @Override
  public void abort(Throwable cause) {
    if (lifecycle.isEnded()) {
      return;
    }
    lifecycle.stopWrites();
    try {
      if (lifecycle.discards(cause)) {
        store.rollBack(state, partial, written);
        position = lifecycle.start();
        lifecycle.end(position, null, true);
      } else {
        keep();
      }
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      lifecycle.end(position, null, false);
    }
  }

  @Override
  public String toString() {
    return "redis-upload(" + id() + " from " + lifecycle.start() + ")";
  }
}
