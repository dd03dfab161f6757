package dev.sluice.core.blob;

import dev.sluice.core.Secrets;
import dev.sluice.core.Sink;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.job.MemoryExhaustedException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Keyed blobs: the server's storage (a folder, an S3 prefix, a database).
 *
 * <p>{@link #create} returns a sink whose commit makes the blob visible atomically and whose abort
 * leaves nothing behind. The sink hashes what it stores with SHA-256; its receipt carries {@code
 * sha256}, {@code bytes} and {@code etag} details, and {@link Blob#sha256()} returns the hash
 * later. Keys are validated by the caller ({@link ObjectKeys#validate}); a store may reject keys it
 * cannot represent with {@link IllegalArgumentException}. A {@link Blob} from {@link #find} is one
 * version: reading it while the key is replaced or deleted gives that version's bytes whole (or
 * fails before the first byte), never a mix; close it when done. {@code BlobStoreContract} in the
 * core test-jar is the suite every store passes.
 */
public interface BlobStore extends AutoCloseable {

  /**
   * A sink that stores a new blob under {@code key}, visible only once committed.
   *
   * @throws java.nio.file.FileAlreadyExistsException (here, or from the sink's commit) if a blob
   *     exists under {@code key} and {@code spec.overwrite()} is false
   * @throws PreconditionFailedException (from the sink's commit, or here when it already fails) if
   *     {@code spec.precondition()} does not hold for the key's current version
   */
  Sink create(String key, BlobSpec spec) throws IOException;

  /** The blob under {@code key}, if there is one. */
  Optional<Blob> find(String key) throws IOException;

  /**
   * The blobs whose keys start with {@code prefix} and sort after {@code after}, in key order
   * ({@link ObjectKeys#ORDER}), read lazily as the stream is consumed: a listing of any length
   * holds only a store-sized batch at a time. Close the stream (try-with-resources) to release what
   * a batch holds open. A failure while reading fails the stream with an {@link
   * java.io.UncheckedIOException}. Blobs written or removed while a listing runs may or may not
   * appear; a key is never listed twice.
   *
   * {@snippet :
   * try (Stream<BlobEntry> page = store.list("videos/", lastKeySeen).limit(1000)) {
   *   page.forEach(entry -> System.out.println(entry.key() + " " + entry.size()));
   * }
   * }
   *
   * @param prefix what every listed key starts with; {@code ""} for every key
   * @param after only keys after this one (exclusive); {@code ""} to start at the beginning
   */
  Stream<BlobEntry> list(String prefix, String after) throws IOException;

  /** Removes the blob under {@code key}; returns false if there was none. */
  default boolean delete(String key) throws IOException {
    return delete(key, Precondition.NONE);
  }

  /**
   * Removes the blob under {@code key} if {@code precondition} holds for it, tested atomically with
   * the removal; returns false if there was none (and the precondition held for no blob).
   *
   * @throws PreconditionFailedException if the precondition does not hold; nothing was removed
   */
  boolean delete(String key, Precondition precondition) throws IOException;

  /**
   * Checks, cheaply, that the store can serve requests now: a server's readiness probe calls it
   * (often, and from many threads at once), so it reads nothing but a single round trip, e.g. a
   * folder's attributes, S3's {@code HeadBucket}, a database's {@code SELECT 1}, Redis's {@code
   * PING}. The default looks up a key that is not expected to exist.
   *
   * @throws IOException if the store cannot serve; the message says what failed in a sentence fit
   *     for a log (no credential), and is never shown to clients
   */
  default void checkReady() throws IOException {
    Optional<Blob> probe = find("sluice-readiness-probe");
    if (probe.isPresent()) {
      probe.get().close();
    }
  }

  /**
   * This store, with the buffers its sinks hold of their own (beyond the chunks written to them)
   * taken from {@code memory}: a server hands over the budget its transfers are admitted by, so
   * that an S3 upload's part buffers, say, count in it too. A sink that cannot get the first such
   * buffer within {@code wait} fails with {@link MemoryExhaustedException}, which a server answers
   * with 503. The result shares this store's resources (close this store, not it). By default, for
   * stores whose sinks hold no buffers of their own, this store itself.
   */
  default BlobStore withMemory(MemoryBudget memory, Duration wait) {
    return this;
  }

  /**
   * Where the store keeps its blobs, for start-up lines and logs, e.g. {@code file:./sluice-data},
   * with any credential masked by {@link Secrets#redact}.
   */
  String describe();

  @Override
  default void close() throws IOException {}
}
