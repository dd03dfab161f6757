package dev.sluice.redis;

import dev.sluice.core.Receipt;
import dev.sluice.core.upload.AppendLifecycle;
import dev.sluice.core.upload.FilledBlock;
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
  private final FilledBlock chunk;
  private final byte[] partial; // the last chunk as it was, to roll back to; null if none
  private final MessageDigest digest;
  private long index; // the chunk being filled
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
    this.chunk = new FilledBlock(chunk, partial == null ? 0 : partial.length, digest);
    this.partial = partial;
    this.index = index;
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
    int before = bytes.remaining();
    try {
      chunk.fill(
          bytes,
          (full, length) -> {
            flush(full, length);
            index++;
          });
    } finally {
      position += before - bytes.remaining(); // what was copied in, even if a flush failed
    }
  }

  private void flush(byte[] bytes, int length) throws IOException {
    written = Math.max(written, index + 1); // counted first: a failed write may have landed
    store.writeChunk(state.upload(), index, bytes, length);
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
    if (position > lifecycle.start() && chunk.filled() > 0) {
      flush(chunk.block(), chunk.filled());
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
