package dev.sluice.core.upload;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.LimitExceededException;
import dev.sluice.core.Receipt;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One append to a file upload: writes at the staging file's end, updating the upload's running
 * digest; both endings force the data to disk and close the file (see {@link UploadAppend} for what
 * each keeps).
 */
final class FileUploadAppend implements UploadAppend {

  private final FileUploadStore store;
  private final String id;
  private final FileChannel channel;
  private final long start;
  private final long length;
  private final MessageDigest digest; // null: completion re-reads the file
  private final CountDownLatch ended = new CountDownLatch(1);
  private final List<Runnable> onSuperseded = new CopyOnWriteArrayList<>();
  private volatile boolean superseded;
  private boolean discardOnAbort;
  private boolean digestValid = true;
  private long position;
  private boolean done;

  FileUploadAppend(
      FileUploadStore store,
      String id,
      FileChannel channel,
      long start,
      long length,
      MessageDigest digest) {
    this.store = store;
    this.id = id;
    this.channel = channel;
    this.start = start;
    this.length = length;
    this.digest = digest;
    this.position = start;
  }

  String id() {
    return id;
  }

  @Override
  public long startOffset() {
    return start;
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

  /** Ends this append from another request: its next write fails, its callbacks run. */
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
      throw new IllegalStateException("the append to upload " + id + " has already ended");
    }
    if (superseded) {
      throw new IOException("a newer request to upload " + id + " ended this one");
    }
    if (length != Upload.UNKNOWN_LENGTH && chunk.remaining() > length - position) {
      throw new LimitExceededException("the data sent for upload " + id, length);
    }
    ByteBuffer written = chunk.duplicate();
    try {
      while (chunk.hasRemaining()) {
        position += channel.write(chunk);
      }
    } catch (IOException | RuntimeException e) {
      digestValid = false; // part of the chunk may be in the file: completion re-reads it
      throw e;
    }
    if (digest != null) {
      digest.update(written);
    }
  }

  @Override
  public Receipt commit() throws IOException {
    if (done) {
      throw new IllegalStateException("the append to upload " + id + " has already ended");
    }
    try {
      keep();
    } catch (IOException | RuntimeException e) {
      abort(e);
      throw e;
    }
    return Receipt.of("upload " + id).with("upload", id).with("offset", position);
  }

  private void keep() throws IOException {
    done = true;
    MessageDigest covering = null; // the digest, if it covers exactly the file's bytes
    try (FileChannel file = reopened()) {
      if (digest != null && digestValid && file.size() == position) {
        covering = digest;
      }
      file.force(false);
    } finally {
      store.ended(this, position, covering);
      ended.countDown();
    }
  }

  @Override
  public void abort(Throwable cause) {
    if (ended.getCount() == 0) {
      return;
    }
    done = true;
    try {
      if (discardOnAbort || isDigestMismatch(cause)) {
        try (FileChannel file = reopened()) {
          file.truncate(start); // the checksum failed: none of these bytes count
          file.force(false);
        }
        store.ended(this, start, null, true);
        ended.countDown();
      } else {
        keep();
      }
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      try {
        channel.close();
      } catch (IOException closing) {
        cause.addSuppressed(closing);
      }
      store.ended(this, start, null);
      ended.countDown();
    }
  }

  /**
   * The append's channel, or the staging file opened again when an interrupted write closed it (the
   * engine interrupts a writer to stop it; the bytes written are in the file all the same).
   */
  private FileChannel reopened() throws IOException {
    if (channel.isOpen()) {
      return channel;
    }
    return FileChannel.open(store.dataFile(id), java.nio.file.StandardOpenOption.WRITE);
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
    return "upload(" + id + " from " + start + ")";
  }
}
