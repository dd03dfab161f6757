package dev.sluice.s3;

import dev.sluice.core.Receipt;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.upload.AppendLifecycle;
import dev.sluice.core.upload.FilledBlock;
import dev.sluice.core.upload.TrackedAppend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * One append to an S3 upload: fills a part-sized buffer (starting with the old tail), uploads each
 * full part, and when it ends keeps the rest as the new tail (see {@link S3UploadStore}); a
 * discarded append writes no tail, which rolls it back.
 */
final class S3UploadAppend implements TrackedAppend {

  private final S3UploadStore store;
  private final AppendLifecycle lifecycle;
  private final S3UploadStore.State state;
  private final FilledBlock part;
  private final MemoryBudget.Reservation reserved; // the part's room in a budget, or null
  private final MessageDigest digest; // null: completion reads the object back
  private int parts;
  private long position;

  S3UploadAppend(
      S3UploadStore store,
      AppendLifecycle lifecycle,
      S3UploadStore.State state,
      byte[] part,
      MemoryBudget.Reservation reserved,
      int buffered,
      MessageDigest digest) {
    this.store = store;
    this.lifecycle = lifecycle;
    this.state = state;
    this.part = new FilledBlock(part, buffered, digest);
    this.reserved = reserved;
    this.digest = digest;
    this.parts = state.parts();
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
  public void write(ByteBuffer chunk) throws IOException {
    lifecycle.requireWritable(chunk.remaining(), position);
    int before = chunk.remaining();
    try {
      part.fill(
          chunk,
          (full, length) -> {
            store.uploadPart(state, parts + 1, full, length); // on failure the bytes stay buffered
            parts++;
          });
    } finally {
      position += before - chunk.remaining(); // what was copied in, even if an upload failed
    }
  }

  @Override
  public Receipt commit() throws IOException {
    lifecycle.requireOpen();
    try {
      keep();
    } catch (IOException | RuntimeException e) {
      lifecycle.end(lifecycle.start(), null, false);
      throw e;
    } finally {
      store.release(part.block(), reserved);
    }
    return lifecycle.receipt(position);
  }

  private void keep() throws IOException {
    lifecycle.stopWrites();
    if (parts == state.parts() && part.filled() == state.tail()) {
      lifecycle.end(position, digest, false); // nothing new: the old tail stands
      return;
    }
    store.writeTail(state, parts, part.block(), part.filled());
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
        lifecycle.end(lifecycle.start(), null, true); // no new tail: the old one stands
        return;
      }
      keep();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      lifecycle.end(lifecycle.start(), null, false);
    } finally {
      store.release(part.block(), reserved);
    }
  }

  @Override
  public String toString() {
    return "s3-upload(" + id() + " from " + lifecycle.start() + ")";
  }
}
