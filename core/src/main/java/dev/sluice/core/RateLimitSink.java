package dev.sluice.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/**
 * Passes at most {@code bytesPerSecond} on average: a token bucket holding up to 100 ms of credit.
 * Large chunks are passed on in slices of 50 ms worth, so the flow stays smooth; the writer sleeps
 * (interruptibly) between slices: a throttled stream is backpressure, not buffering.
 */
final class RateLimitSink extends ForwardingSink {

  private static final long BURST_NANOS = 100_000_000L;

  private final long bytesPerSecond;
  private final int slice;
  private long nextFree = System.nanoTime();

  public RateLimitSink(Sink downstream, long bytesPerSecond) {
    super(downstream);
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be > 0: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.slice = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytesPerSecond / 20));
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    int limit = chunk.limit();
    try {
      while (chunk.hasRemaining()) {
        int n = Math.min(slice, chunk.remaining());
        chunk.limit(chunk.position() + n);
        pace(n);
        downstream.write(chunk);
        chunk.limit(limit);
      }
    } finally {
      chunk.limit(limit);
    }
  }

  private void pace(int bytes) throws InterruptedIOException {
    long now = System.nanoTime();
    nextFree = Math.max(nextFree, now - BURST_NANOS) + bytes * 1_000_000_000L / bytesPerSecond;
    long wait = nextFree - now;
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while rate limiting");
      }
    }
  }

  @Override
  protected String name() {
    return "rate(" + bytesPerSecond + "/s)";
  }
}
