package dev.sluice.core.upload;

import dev.sluice.core.Receipt;
import dev.sluice.core.file.FileWrites;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;

/**
 * One append to a file upload: writes at the staging file's end, updating the upload's running
 * digest; both endings force the data to disk and close the file (see {@link UploadAppend} for what
 * each keeps).
 */
final class FileUploadAppend implements TrackedAppend {

  private final FileUploadStore store;
  private final AppendLifecycle lifecycle;
  private final String id;
  private final FileChannel channel;
  private final long start;
  private final MessageDigest digest; // null: completion re-reads the file
  private boolean digestValid = true;
  private long position;

  FileUploadAppend(
      FileUploadStore store, AppendLifecycle lifecycle, FileChannel channel, MessageDigest digest) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.id = lifecycle.id();
    this.channel = channel;
    this.start = lifecycle.start();
    this.digest = digest;
    this.position = start;
  }

  @Override
  public AppendLifecycle lifecycle() {
    return lifecycle;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    lifecycle.requireWritable(chunk.remaining(), position);
    ByteBuffer written = chunk.duplicate();
    try {
      position += FileWrites.writeAll(channel, chunk);
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
    lifecycle.requireOpen();
    try {
      keep();
    } catch (IOException | RuntimeException e) {
      abort(e);
      throw e;
    }
    return lifecycle.receipt(position);
  }

  private void keep() throws IOException {
    lifecycle.stopWrites();
    MessageDigest covering = null; // the digest, if it covers exactly the file's bytes
    try (FileChannel file = reopened()) {
      if (digest != null && digestValid && file.size() == position) {
        covering = digest;
      }
      file.force(false);
    } finally {
      lifecycle.end(position, covering, false);
    }
  }

  @Override
  public void abort(Throwable cause) {
    if (lifecycle.isEnded()) {
      return;
    }
    lifecycle.stopWrites();
    try {
      if (lifecycle.discards(cause)) {
        try (FileChannel file = reopened()) {
          file.truncate(start); // the checksum failed: none of these bytes count
          file.force(false);
        }
        lifecycle.end(start, null, true);
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
      lifecycle.end(start, null, false);
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

  @Override
  public String toString() {
    return "upload(" + id + " from " + start + ")";
  }
}
