package dev.sluice.s3;

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
 * One append to an S3 upload: fills a part-sized buffer (starting with the old tail), uploads each
 * full part, and when it ends keeps the rest as the new tail (see {@link S3UploadStore}); a
 * discarded append writes no tail, which rolls it back.
 */
final class S3UploadAppend implements UploadAppend {

  private final S3UploadStore store;
  private final S3UploadStore.State state;
  private final byte[] part;
  private final MessageDigest digest; // null: completion reads the object back
  private final CountDownLatch ended = new CountDownLatch(1);
  private final List<Runnable> onSuperseded = new CopyOnWriteArrayList<>();
  private volatile boolean superseded;
  private boolean discardOnAbort;
  private int buffered;
  private int parts;
  private long position;
  private boolean done;

  S3UploadAppend(
      S3UploadStore store,
      S3UploadStore.State state,
      byte[] part,
      int buffered,
      MessageDigest digest) {
    this.store = store;
    this.state = state;
    this.part = part;
    this.buffered = buffered;
    this.digest = digest;
    this.parts = state.parts();
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
  public void write(ByteBuffer chunk) throws IOException {
    if (done) {
      throw new IllegalStateException("the append to upload " + id() + " has already ended");
    }
    if (superseded) {
      throw new IOException("a newer request to upload " + id() + " ended this one");
    }
    long length = state.upload().length();
    if (length != Upload.UNKNOWN_LENGTH && chunk.remaining() > length - position) {
      throw new LimitExceededException("the data sent for upload " + id(), length);
    }
    while (chunk.hasRemaining()) {
      if (buffered == part.length) {
        store.uploadPart(state, parts + 1, part, buffered); // on failure the bytes stay buffered
        parts++;
        buffered = 0;
      }
      int n = Math.min(chunk.remaining(), part.length - buffered);
      chunk.get(part, buffered, n);
      if (digest != null) {
        digest.update(part, buffered, n);
      }
      buffered += n;
      position += n;
    }
  }

  @Override
  public Receipt commit() throws IOException {
    if (done) {
      throw new IllegalStateException("the append to upload " + id() + " has already ended");
    }
    try {
      keep();
    } catch (IOException | RuntimeException e) {
      end(state.upload().offset(), null, false);
      throw e;
    }
    return Receipt.of("upload " + id()).with("upload", id()).with("offset", position);
  }

  private void keep() throws IOException {
    done = true;
    if (parts == state.parts() && buffered == state.tail()) {
      end(position, digest, false); // nothing new: the old tail stands
      return;
    }
    store.writeTail(state, parts, part, buffered);
    end(position, digest, false);
  }

  private void end(long offset, MessageDigest covering, boolean discarded) {
    if (ended.getCount() == 0) {
      return;
    }
    store.ended(this, offset, covering, discarded);
    ended.countDown();
  }

  @Override
  public void abort(Throwable cause) {
    if (ended.getCount() == 0) {
      return;
    }
    done = true;
    if (discardOnAbort || isDigestMismatch(cause)) {
      end(state.upload().offset(), null, true); // no new tail: the old one stands
      return;
    }
    try {
      keep();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      end(state.upload().offset(), null, false);
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
    return "s3-upload(" + id() + " from " + state.upload().offset() + ")";
  }
}
