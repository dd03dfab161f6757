package dev.sluice.core.blob;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sink of every blob store: hashes what it is written with SHA-256 and passes it on to its
 * store's {@link BlobWriter}; on commit checks the expected digest, if any, then publishes. The
 * writer is published or discarded exactly once, whatever the order of commit and abort calls; a
 * failed commit discards it.
 *
 * {@snippet :
 * public Sink create(String key, BlobSpec spec) throws IOException {
 *   return BlobSink.of(new MyStoreWriter(key, spec), spec.expectedSha256());
 * }
 * }
 *
 * <p>Writes and commit come from one thread at a time; abort may come from another.
 */
public final class BlobSink implements Sink {

  private final BlobWriter writer;
  private final String expectedSha256;
  private final MessageDigest digest; // null without a digest
  private final AtomicBoolean ended = new AtomicBoolean();
  private long size;

  private BlobSink(BlobWriter writer, String expectedSha256, boolean hash) {
    if (writer == null) {
      throw new NullPointerException("writer == null");
    }
    this.writer = writer;
    this.expectedSha256 = expectedSha256 == null ? null : expectedSha256.toLowerCase(Locale.ROOT);
    this.digest = hash || expectedSha256 != null ? sha256() : null;
  }

  /**
   * A sink into {@code writer} that hashes the content and, when {@code expectedSha256} is not
   * null, refuses to publish content with another digest ({@link DigestMismatchException}).
   */
  public static BlobSink of(BlobWriter writer, String expectedSha256) {
    return new BlobSink(writer, expectedSha256, true);
  }

  /**
   * A sink into {@code writer} that does not hash: {@link BlobWriter#publish} gets a null digest.
   * For stores that check the content by other means and were not asked for a SHA-256.
   */
  public static BlobSink withoutDigest(BlobWriter writer) {
    return new BlobSink(writer, null, false);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  @Override
  public void expectBytes(long bytes) {
    writer.expectBytes(bytes);
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (ended.get()) {
      throw new IllegalStateException("the sink " + this + " has already ended");
    }
    if (digest != null) {
      digest.update(chunk.duplicate());
    }
    size += chunk.remaining();
    writer.write(chunk);
  }

  @Override
  public Receipt commit() throws IOException {
    if (!ended.compareAndSet(false, true)) {
      throw new IllegalStateException("the sink " + this + " has already ended");
    }
    return publish(digest == null ? null : HexFormat.of().formatHex(digest.digest()), size);
  }

  /** Checks the expected digest and publishes, or discards the writer on any failure. */
  private Receipt publish(String sha256, long size) throws IOException {
    try {
      if (expectedSha256 != null && !expectedSha256.equals(sha256)) {
        throw new DigestMismatchException("sha256", expectedSha256, sha256);
      }
      return writer.publish(sha256, size);
    } catch (IOException | RuntimeException | Error e) {
      writer.discard(e);
      throw e;
    }
  }

  /**
   * Ends the sink by publishing content its writer already holds, written elsewhere and never
   * through {@link #write} (a resumable upload's staged bytes): {@code sha256} is their hex
   * SHA-256, which the caller computed, and is checked against the expected one like a commit's;
   * {@code size} their length. The writer is discarded if publishing fails.
   *
   * @throws IllegalStateException if the sink was written to or has ended
   */
  public Receipt commitWritten(String sha256, long size) throws IOException {
    if (this.size != 0) {
      throw new IllegalStateException("the sink " + this + " was written to");
    }
    if (!ended.compareAndSet(false, true)) {
      throw new IllegalStateException("the sink " + this + " has already ended");
    }
    return publish(sha256 == null ? null : sha256.toLowerCase(Locale.ROOT), size);
  }

  @Override
  public void abort(Throwable cause) {
    if (ended.compareAndSet(false, true)) {
      writer.discard(cause);
    }
  }

  @Override
  public String toString() {
    return writer.toString();
  }
}
