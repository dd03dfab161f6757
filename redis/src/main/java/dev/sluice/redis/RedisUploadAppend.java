package dev.sluice.redis;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.LimitExceededException;
import dev.sluice.core.Receipt;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadAppend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One append to a Redis upload: fills a chunk (starting with the partial last chunk, if any),
 * writes each full chunk, and when it ends writes the partial rest; a discarded append is rolled
 * back to the chunks it began with (see {@link RedisUploadStore}).
 */
final class RedisUploadAppend implements UploadAppend {

  private final RedisUploadStore store;
  private final RedisUploadStore.State state;
  private final byte[] chunk;
  private final byte[] partial; // the last chunk as it was, to roll back to; null if none
  private final MessageDigest digest;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final List<Runnable> onSuperseded = new CopyOnWriteArrayList<>();
  private volatile boolean superseded;
  private boolean discardOnAbort;
  private long index; // the chunk being filled
  private int filled;
  private long written; // chunks counted in Redis, at most
  private long position;
  private boolean done;

  RedisUploadAppend(
      RedisUploadStore store,
      RedisUploadStore.State state,
      byte[] chunk,
      byte[] partial,
      long index,
      MessageDigest digest) {
    this.store = store;
    this.state = state;
    this.chunk = chunk;
    this.partial = partial;
    this.index = index;
    this.filled = partial == null ? 0 : partial.length;
    this.written = state.chunks();
    this.digest = digest;
    this.position = state.upload().offset();
  }

  String id() {
    return state.upload().id();
  }

  @Override
  public long startOffset() {
    return state.upload().offset();
  }

  @Override
  public void onSuperseded(Runnable action) {
    onSuperseded.add(action);
    if (superseded) {
      action.run();
    }
  }

  @Override
  public void discardOnAbort() {
    discardOnAbort = true;
  }

  void supersede() {
    if (superseded) {
      return;
    }
    superseded = true;
    for (Runnable action : onSuperseded) {
      action.run();
    }
  }

  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void write(ByteBuffer bytes) throws IOException {
    if (done) {
      throw new IllegalStateException("the append to upload " + id() + " has already ended");
    }
    if (superseded) {
      throw new IOException("a newer request to upload " + id() + " ended this one");
    }
    long length = state.upload().length();
    if (length != Upload.UNKNOWN_LENGTH && bytes.remaining() > length - position) {
      throw new LimitExceededException("the data sent for upload " + id(), length);
    }
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
    if (done) {
      throw new IllegalStateException("the append to upload " + id() + " has already ended");
    }
    try {
      keep();
    } catch (IOException | RuntimeException e) {
      end(null, false);
      throw e;
    }
    return Receipt.of("upload " + id()).with("upload", id()).with("offset", position);
  }

  private void keep() throws IOException {
    done = true;
    if (position > state.upload().offset() && filled > 0) {
      flush();
    }
    end(digest, false);
  }

  private void end(MessageDigest covering, boolean discarded) {
    if (ended.getCount() == 0) {
      return;
    }
    store.ended(this, position, covering, discarded);
    ended.countDown();
  }

  @Override
  public void abort(Throwable cause) {
    if (ended.getCount() == 0) {
      return;
    }
    done = true;
    try {
      if (discardOnAbort || isDigestMismatch(cause)) {
        store.rollBack(state, partial, written);
        position = state.upload().offset();
        end(null, true);
      } else {
        keep();
      }
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      end(null, false);
    }
  }

  private static boolean isDigestMismatch(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof DigestMismatchException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "redis-upload(" + id() + " from " + state.upload().offset() + ")";
  }
}
