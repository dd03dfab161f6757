package dev.sluice.http.internal;

import dev.sluice.core.AbortReason;
import dev.sluice.core.CancelledException;
import dev.sluice.core.ClientDisconnectedException;
import dev.sluice.core.job.TrackedTransfer;
import dev.sluice.http.internal.Throttle.Pace;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A download's response body as a blocking channel: each write is paced by the transfer's token
 * buckets, handed to the connection and waited for, so a slow or throttled client holds back the
 * blob reads instead of filling memory. A failed write (the client went away) surfaces as {@link
 * ClientDisconnectedException}; a write stopped by a cancel (shutdown) as {@link
 * CancelledException} with the cancel's reason.
 */
final class ResponseChannel implements WritableByteChannel {

  private final Exchange exchange;
  private final OutputStream encoder;
  private final Pace pace;
  private final TrackedTransfer transfer;
  private final ServerMetrics metrics;
  private final byte[] scratch;
  private long written;
  private int granted; // tokens taken by grant() for bytes not written yet
  private boolean open = true;

  /**
   * @param encoder null to write straight to the connection; else a stream (e.g. gzip) over it
   */
  ResponseChannel(
      Exchange exchange,
      OutputStream encoder,
      Pace pace,
      TrackedTransfer transfer,
      ServerMetrics metrics) {
    this.exchange = exchange;
    this.encoder = encoder;
    this.pace = pace;
    this.transfer = transfer;
    this.metrics = metrics;
    this.scratch = encoder == null ? null : new byte[Math.min(pace.chunkSize(), 64 * 1024)];
  }

  /**
   * Waits until the transfer's buckets allow some of {@code bytes} (at most a chunk) to be sent and
   * takes their tokens, so the next writes of that many bytes do not wait: a paced copy calls this
   * before it takes a buffer to read into, holding none while it waits. Tokens granted earlier and
   * not written yet are returned first, without waiting.
   *
   * @return the bytes that may be written now, 1 to {@code min(bytes, chunk)}
   */
  int grant(long bytes) throws IOException {
    int wanted = (int) Math.min(bytes, pace.chunkSize());
    if (granted == 0) {
      try {
        granted = pace.unlimited() ? wanted : pace.acquire(wanted);
      } catch (IOException e) {
        throw translate(e);
      }
    }
    return Math.min(granted, wanted);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int total = src.remaining();
    int limit = src.limit();
    try {
      while (src.hasRemaining()) {
        int n = Math.min(src.remaining(), pace.chunkSize());
        if (granted > 0) {
          n = Math.min(n, granted); // paid for by grant() before the copy read them
          granted -= n;
        } else if (!pace.unlimited()) {
          n = pace.acquire(n); // what the buckets grant now: a paced write touches the connection
        }
        src.limit(src.position() + n);
        long start = System.nanoTime();
        send(src);
        metrics.chunkWritten(Direction.DOWNLOAD, ServerMetrics.CLIENT, System.nanoTime() - start);
        metrics.bytesOut(n);
        transfer.add(n);
        written += n;
        src.limit(limit);
      }
    } catch (IOException e) {
      throw translate(e);
    } finally {
      src.limit(limit);
    }
    return total;
  }

  private void send(ByteBuffer slice) throws IOException {
    if (encoder == null) {
      exchange.write(slice, false);
      return;
    }
    while (slice.hasRemaining()) {
      int n = Math.min(slice.remaining(), scratch.length);
      slice.get(scratch, 0, n);
      encoder.write(scratch, 0, n);
    }
  }

  /** Ends an encoded body (writes the gzip trailer); a no-op for a plain one. */
  void finishEncoding() throws IOException {
    if (encoder != null) {
      try {
        encoder.close();
      } catch (IOException e) {
        throw translate(e);
      }
    }
  }

  private IOException translate(IOException e) {
    return translate(e, transfer, written);
  }

  /**
   * What a failed write of a download's body means: the cancel's reason ({@link
   * CancelledException}) when the transfer was cancelled, else the client went away ({@link
   * ClientDisconnectedException}), {@code written} bytes into the body.
   */
  static IOException translate(IOException e, TrackedTransfer transfer, long written) {
    AbortReason cancelled = transfer.cancelReason();
    if (cancelled != null) {
      CancelledException stopped =
          new CancelledException(
              cancelled, "download stopped (" + cancelled + ") after " + written + " bytes");
      stopped.initCause(e);
      return stopped;
    }
    if (e instanceof InterruptedIOException || e instanceof ClientDisconnectedException) {
      return e;
    }
    return new ClientDisconnectedException(
        "client went away after " + written + " bytes of the response body", e);
  }

  /** Body bytes handed to the connection so far (before any encoding). */
  long written() {
    return written;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
  }
}
