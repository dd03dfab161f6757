package dev.sluice.core;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * Passes at most {@code bytesPerSecond} on average: a token bucket holding up to 100 ms of credit.
 * Large chunks are passed on in slices of 50 ms worth, so the flow stays smooth; the writer sleeps
 * (interruptibly) between slices: a throttled stream is backpressure, not buffering.
 */
final class RateLimitSink extends ForwardingSink {

  private static final long BURST_NANOS = 100_000_000L;

  /** How the writer waits for credit; tests pass one that advances a fake clock instead. */
  @FunctionalInterface
  public interface Pause {
    /** Waits {@code nanos} nanoseconds, interruptibly. */
    void pause(long nanos) throws InterruptedException;
  }

  private final long bytesPerSecond;
  private final int slice;
  private final LongSupplier nanoTime;
  private final Pause pause;
  private long nextFree;

  public RateLimitSink(Sink downstream, long bytesPerSecond) {
    this(downstream, bytesPerSecond, System::nanoTime, RateLimitSink::sleep);
  }

  /** A rate limit that reads the time from {@code nanoTime} and waits with {@code pause}. */
  public RateLimitSink(Sink downstream, long bytesPerSecond, LongSupplier nanoTime, Pause pause) {
    super(downstream);
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be > 0: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.slice = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytesPerSecond / 20));
    this.nanoTime = nanoTime;
    this.pause = pause;
    this.nextFree = nanoTime.getAsLong();
  }

  private static void sleep(long nanos) throws InterruptedException {
    Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
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
    long now = nanoTime.getAsLong();
    nextFree = Math.max(nextFree, now - BURST_NANOS) + bytes * 1_000_000_000L / bytesPerSecond;
    long wait = nextFree - now;
    if (wait > 0) {
      try {
        pause.pause(wait);
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
