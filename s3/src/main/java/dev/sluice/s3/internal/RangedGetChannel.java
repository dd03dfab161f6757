package dev.sluice.s3.internal;

import dev.sluice.core.blob.BlobChangedException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The body of one (ranged) GET as a channel of exactly {@code length} bytes. Closing it before the
 * end aborts the HTTP exchange, so the rest of the range is never transferred; closing it at the
 * end returns the connection to the pool. One thread reads; any thread may close, which unblocks a
 * blocked read.
 *
 * <p>Given the SHA-256 the whole object must have (a read of all of it), the channel hashes what it
 * reads and holds back the last bytes with a {@link BlobChangedException} when the hash differs: a
 * store that is not atomic under an overwrite (s3proxy's in-memory store, seen serving another
 * version's bytes under the ETag it was asked to match) never passes off a mixed read as the
 * object.
 */
final class RangedGetChannel implements ReadableByteChannel {

  private static final int COPY_BUFFER = 64 * 1024;

  private final ResponseInputStream<GetObjectResponse> body;
  private final String description;
  private final long length;
  private volatile long read;
  private byte[] copy;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final MessageDigest digest; // null when nothing is checked
  private final String expectedSha256;

  RangedGetChannel(ResponseInputStream<GetObjectResponse> body, String description, long length) {
    this(body, description, length, null);
  }

  /** A channel that checks the whole object's {@code expectedSha256} (hex) at its end. */
  RangedGetChannel(
      ResponseInputStream<GetObjectResponse> body,
      String description,
      long length,
      String expectedSha256) {
    this.body = body;
    this.description = description;
    this.length = length;
    this.expectedSha256 = expectedSha256;
    try {
      this.digest = expectedSha256 == null ? null : MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    if (closed.get()) {
      throw new ClosedChannelException();
    }
    if (read == length) {
      return -1;
    }
    int want = (int) Math.min(into.remaining(), length - read);
    if (want == 0) {
      return 0;
    }
    int n;
    int start = into.position();
    try {
      if (into.hasArray()) {
        n = body.read(into.array(), into.arrayOffset() + start, want);
        if (n > 0) {
          if (digest != null) {
            digest.update(into.array(), into.arrayOffset() + start, n);
          }
          into.position(start + n);
        }
      } else {
        if (copy == null) {
          copy = new byte[COPY_BUFFER];
        }
        n = body.read(copy, 0, Math.min(want, copy.length));
        if (n > 0) {
          if (digest != null) {
            digest.update(copy, 0, n);
          }
          into.put(copy, 0, n);
        }
      }
    } catch (SdkException e) {
      throw S3Errors.wrap("reading " + description, e);
    } catch (IOException e) {
      if (Thread.currentThread().isInterrupted() && !(e instanceof InterruptedIOException)) {
        var interrupted = new InterruptedIOException("reading " + description + " was interrupted");
        interrupted.initCause(e);
        throw interrupted;
      }
      throw e;
    }
    if (n < 0) {
      throw new IOException(
          description + " ended after " + read + " of " + length + " bytes: the response was cut");
    }
    read += n;
    if (digest != null
        && read == length
        && !HexFormat.of().formatHex(digest.digest()).equalsIgnoreCase(expectedSha256)) {
      into.position(start); // the last bytes are held back: the reader never sees a mixed object
      throw new BlobChangedException(
          description + " does not have the object's SHA-256: it changed while it was read");
    }
    return n;
  }

  @Override
  public boolean isOpen() {
    return !closed.get();
  }

  @Override
  public void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (read < length) {
      body.abort(); // drop the connection rather than drain the rest of the range
    }
    try {
      body.close();
    } catch (IOException | SdkException ignored) {
      // the exchange is over either way
    }
  }

  @Override
  public String toString() {
    return description;
  }
}
