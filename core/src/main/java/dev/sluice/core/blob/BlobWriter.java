package dev.sluice.core.blob;

import dev.sluice.core.Receipt;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The store-specific half of storing one blob: where its bytes go, how they become visible and how
 * they are thrown away. A {@link BlobSink} drives it and does the rest the same way for every
 * store: hashing, the check of the expected digest, and calling {@link #publish} or {@link
 * #discard} exactly once.
 *
 * <p>Called by one thread at a time: {@link #write} calls, then either {@link #publish} (followed
 * by {@link #discard} if it fails) or {@link #discard} alone.
 */
public interface BlobWriter {

  /** Stores the remaining bytes of {@code chunk}, consuming them; must not keep the buffer. */
  void write(ByteBuffer chunk) throws IOException;

  /**
   * Makes the blob visible under its key, once every byte was written and its digest checked.
   *
   * @param sha256 the hex SHA-256 of the content, or null when the sink was made {@linkplain
   *     BlobSink#withoutDigest without one}
   * @param size how many bytes were written
   * @return what was stored, for the ingestion report
   */
  Receipt publish(String sha256, long size) throws IOException;

  /**
   * Throws away what was written, leaving the store as it was; called instead of {@link #publish}
   * or after it failed. Does not throw: failures while cleaning up are added to {@code cause} as
   * suppressed.
   */
  void discard(Throwable cause);

  /**
   * {@link dev.sluice.core.Sink#expectBytes}'s hint, before the first write; ignored by default.
   */
  default void expectBytes(long bytes) {}
}
