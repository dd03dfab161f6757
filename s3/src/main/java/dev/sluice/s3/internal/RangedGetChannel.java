package dev.sluice.s3.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The body of one (ranged) GET as a channel of exactly {@code length} bytes. Closing it before the
 * end aborts the HTTP exchange, so the rest of the range is never transferred; closing it at the
 * end returns the connection to the pool. One thread reads; any thread may close, which unblocks a
 * blocked read.
 */
final class RangedGetChannel implements ReadableByteChannel {

  private static final int COPY_BUFFER = 64 * 1024;

  private final ResponseInputStream<GetObjectResponse> body;
  private final String description;
  private final long length;
  private volatile long read;
  private byte[] copy;
  private final AtomicBoolean closed = new AtomicBoolean();

  RangedGetChannel(ResponseInputStream<GetObjectResponse> body, String description, long length) {
    this.body = body;
    this.description = description;
    this.length = length;
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
    try {
      if (into.hasArray()) {
        n = body.read(into.array(), into.arrayOffset() + into.position(), want);
        if (n > 0) {
          into.position(into.position() + n);
        }
      } else {
        if (copy == null) {
          copy = new byte[COPY_BUFFER];
        }
        n = body.read(copy, 0, Math.min(want, copy.length));
        if (n > 0) {
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
