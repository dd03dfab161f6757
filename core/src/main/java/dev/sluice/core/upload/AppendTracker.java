package dev.sluice.core.upload;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What an {@link UploadStore} keeps in memory beside the state it stores: a lock per upload that
 * orders its requests, the append in progress (at most one per upload), and the running SHA-256 of
 * each upload's bytes up to where its last append ended. Every store composes one; the
 * store-specific part (where bytes and state live) stays in the store.
 *
 * <p>A {@link MessageDigest}'s state cannot be saved portably, so the running digest is kept here
 * only; an append that starts where it ends continues it (on a copy, so a discarded append leaves
 * it as it was), and a store that finds none re-reads the upload's bytes at completion.
 * Thread-safe.
 */
public final class AppendTracker {

  private static final Duration SUPERSEDE_WAIT = Duration.ofSeconds(30);

  private final Lock[] locks = new Lock[64];
  private final ConcurrentHashMap<String, AppendLifecycle> active = new ConcurrentHashMap<>();

  /** Per upload id: the digest of its first {@code offset} bytes. */
  private final ConcurrentHashMap<String, Hashed> hashes = new ConcurrentHashMap<>();

  private record Hashed(long offset, MessageDigest digest) {}

  /** A store's step on one upload, run under its lock. */
  @FunctionalInterface
  public interface Step<T> {
    T run() throws IOException;
  }

  public AppendTracker() {
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /**
   * Runs {@code step} holding upload {@code id}'s lock, after ending its append in progress (if
   * any) at its durable offset.
   *
   * @throws UploadException {@code BUSY} if that append did not end in time
   */
  public <T> T exclusive(String id, Step<T> step) throws IOException {
    Lock lock = locks[Math.floorMod(id.hashCode(), locks.length)];
    lock.lock();
    try {
      endActive(id);
      return step.run();
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@link UploadStore#settle} for every store: empty for an id no upload can have, else {@code
   * find} run under {@code id}'s lock once its append in progress (if any) has ended.
   */
  public Optional<Upload> settle(String id, Step<Optional<Upload>> find) throws IOException {
    return Upload.isId(id) ? exclusive(id, find) : Optional.empty();
  }

  /**
   * {@link UploadStore#cancel} for every store: false for an id no upload can have, else {@code
   * discard} run under {@code id}'s lock once its append in progress (if any) has ended.
   */
  public boolean cancel(String id, Step<Boolean> discard) throws IOException {
    return Upload.isId(id) && exclusive(id, discard);
  }

  /**
   * The lifecycle of a new append to upload {@code id} from {@code start}, refusing writes past
   * {@code length} (or {@link Upload#UNKNOWN_LENGTH}); {@link #started} makes it the one in
   * progress.
   */
  public AppendLifecycle lifecycle(String id, long start, long length) {
    return new AppendLifecycle(this, id, start, length);
  }

  /** Makes {@code append} the append in progress of its upload; call under its lock. */
  public void started(AppendLifecycle append) {
    active.put(append.id(), append);
  }

  /**
   * A copy of the running digest when it covers exactly {@code offset} bytes of upload {@code id},
   * a new digest at offset 0, else null (completion then re-reads the bytes).
   */
  public MessageDigest digestAt(String id, long offset) {
    Hashed hashed = hashes.get(id);
    return hashed != null && hashed.offset() == offset
        ? copy(hashed.digest())
        : offset == 0 ? sha256() : null;
  }

  /**
   * Removes the running digest of upload {@code id} and returns its SHA-256 if it covers exactly
   * {@code offset} bytes, else null.
   */
  public byte[] takeDigest(String id, long offset) {
    Hashed hashed = hashes.remove(id);
    return hashed != null && hashed.offset() == offset ? hashed.digest().digest() : null;
  }

  /** Forgets the running digest of upload {@code id}: it is discarded. */
  public void forget(String id) {
    hashes.remove(id);
  }

  /**
   * Called as an append ends: {@code digest} covers the upload up to {@code offset}, or is null
   * when none does; {@code discarded}: the append's bytes were cut off again, so the digest kept
   * from before it still holds.
   */
  void ended(AppendLifecycle append, long offset, MessageDigest digest, boolean discarded) {
    if (digest != null) {
      hashes.put(append.id(), new Hashed(offset, digest));
    } else if (!discarded) {
      hashes.remove(append.id());
    }
    active.remove(append.id(), append);
  }

  /** Asks the append in progress to end, and waits until it has. */
  private void endActive(String id) throws IOException {
    AppendLifecycle running = active.get(id);
    if (running == null) {
      return;
    }
    running.supersede();
    try {
      if (!running.awaitEnd(SUPERSEDE_WAIT)) {
        throw new UploadException(
            UploadException.Problem.BUSY,
            "an earlier request to upload " + id + " has not ended yet");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting for an append to end");
    }
  }

  /** A new SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  private static MessageDigest copy(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      return null; // completion re-reads the bytes instead
    }
  }
}
