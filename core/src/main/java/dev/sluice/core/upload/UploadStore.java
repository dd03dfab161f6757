package dev.sluice.core.upload;

import dev.sluice.core.Receipt;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.job.MemoryExhaustedException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where resumable uploads are kept until they become objects. State is in the store (the offset is
 * derived from the bytes it holds), so another process over the same store, or this one after a
 * restart, continues an upload. Thread-safe: one append runs per upload at a time, and a new
 * append, a {@link #settle}, {@link #complete} or {@link #cancel} first ends the one in progress at
 * its durable offset.
 *
 * {@snippet :
 * Upload upload = uploads.create(new NewUpload("isos/big.iso", size, null, null, owner,
 *     Instant.now().plus(Duration.ofHours(24)), true, null));
 * UploadAppend append = uploads.append(upload.id(), 0);
 * // … write, then commit (or abort: what arrived is kept) …
 * Receipt object = uploads.complete(upload.id()); // sha256 of the whole object
 * }
 */
public interface UploadStore extends AutoCloseable {

  /** Creates an upload with nothing received; its id is unguessable. */
  Upload create(NewUpload upload) throws IOException;

  /**
   * The upload's state as stored, or empty if there is none. An append in progress may make the
   * offset grow after this returns; {@link #settle} gives an offset the next append is held to.
   */
  Optional<Upload> find(String id) throws IOException;

  /**
   * The upload as its record says (key, owner, length, expiry, whether complete) without reading
   * its bytes, or empty if there is none: for the checks that need no offset, such as who may touch
   * the upload. Its offset is 0 unless it is complete. Unlike {@link #find}, it cannot be thrown
   * off by an append or a completion changing the bytes at the same time.
   */
  Optional<Upload> recorded(String id) throws IOException;

  /**
   * Ends the append in progress, if any, at its durable offset, then returns the state: the offset
   * a client may resume from.
   */
  Optional<Upload> settle(String id) throws IOException;

  /**
   * Opens an append at {@code offset}, ending any append in progress first.
   *
   * @throws UploadException {@code NOT_FOUND}, {@code COMPLETED}, {@code MISMATCHING_OFFSET} (with
   *     the upload's offset) or {@code BUSY}
   */
  UploadAppend append(String id, long offset) throws IOException;

  /**
   * Declares the total length of an upload created without one.
   *
   * @throws UploadException {@code INCONSISTENT_LENGTH} if another length was declared, or the
   *     upload already holds more bytes
   */
  Upload declareLength(String id, long length) throws IOException;

  /**
   * Completes the upload: publishes its bytes atomically as the object under its key, through the
   * store's ordinary publish path, with the SHA-256 of the whole object. The upload stays readable
   * as complete until it expires. On a failure to publish (the key refuses it, the whole-object
   * digest differs) the upload is discarded.
   *
   * @throws UploadException {@code INCONSISTENT_LENGTH} when the bytes received differ from the
   *     declared length, {@code NOT_FOUND}, {@code COMPLETED}
   */
  Receipt complete(String id) throws IOException;

  /** Deletes the upload and its bytes, ending any append in progress; false if there was none. */
  boolean cancel(String id) throws IOException;

  /** Every upload, complete or not, for a sweeper and for metrics. */
  List<Upload> list() throws IOException;

  /** Uploads (complete or not) whose expiry is not after {@code now}, for a sweeper to cancel. */
  default List<Upload> expired(Instant now) throws IOException {
    return list().stream().filter(upload -> upload.expiredAt(now)).toList();
  }

  @Override
  default void close() throws IOException {}

  /**
   * This store, with the buffers its appends hold of their own (an S3 upload's part, say) counted
   * in {@code memory}, the budget a server admits its transfers by: an append that cannot get room
   * for them within {@code wait} fails to open with {@link MemoryExhaustedException}, which a
   * server answers with 503. The result shares this store's state and resources (close this store,
   * not it). By default, for stores whose appends hold no buffers of their own, this store itself.
   */
  default UploadStore withMemory(MemoryBudget memory, Duration wait) {
    return this;
  }
}
