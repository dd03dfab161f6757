package dev.sluice.http.internal;

import io.github.bucket4j.Bucket;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * Download pacing with Bucket4j token buckets (one token = one byte): a bucket per transfer and one
 * global bucket shared by every transfer. A paced writer parks its virtual thread until the tokens
 * are there, so a throttled client costs a thread stack and one small buffer, not memory growth.
 */
public final class Throttle {

  /** The largest chunk a throttled transfer writes at once. */
  public static final int MAX_CHUNK = 256 * 1024;

  private static final int MIN_CHUNK = 1024;

  private final Bucket global;
  private final long globalBurst;
  private final long defaultRate;
  private final long maxRate;

  /**
   * @param globalRate bytes/s for all transfers together; 0 for none
   * @param defaultRate bytes/s of a transfer that names none; 0 for unthrottled
   * @param maxRate the cap on a requested rate; 0 for no cap
   */
  public Throttle(long globalRate, long defaultRate, long maxRate) {
    this.globalBurst = globalRate == 0 ? 0 : Math.max(MAX_CHUNK, globalRate / 10);
    this.global = globalRate == 0 ? null : bucket(globalRate, globalBurst);
    this.defaultRate = defaultRate;
    this.maxRate = maxRate;
  }

  private static Bucket bucket(long rate, long burst) {
    return Bucket.builder()
        .addLimit(
            limit ->
                limit
                    .capacity(burst)
                    .refillGreedy(rate, Duration.ofSeconds(1))
                    .initialTokens(burst))
        .build();
  }

  /**
   * The pacing for one transfer that asked for {@code requested} bytes/s ({@code null}: the
   * default), capped by the server's maximum.
   *
   * @throws HttpProblem 400 if {@code requested} is not a size such as {@code 64KiB}
   */
  public Pace forTransfer(String requested) {
    long rate = defaultRate;
    if (requested != null) {
      try {
        rate = dev.sluice.core.ByteSize.parse(requested);
      } catch (IllegalArgumentException e) {
        throw new HttpProblem(400, "rate: " + e.getMessage());
      }
      if (rate <= 0) {
        throw new HttpProblem(400, "rate must be > 0: " + requested);
      }
    }
    if (maxRate > 0 && (rate == 0 || rate > maxRate)) {
      rate = maxRate;
    }
    if (rate == 0 && global == null) {
      return Pace.UNLIMITED;
    }
    int chunk = rate == 0 ? MAX_CHUNK : (int) Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, rate / 8));
    return new Pace(rate, chunk, rate == 0 ? null : bucket(rate, chunk), this);
  }

  /** The pacing of one transfer: its rate (0 = only the global limit) and chunk size. */
  public record Pace(long rate, int chunkSize, Bucket own, Throttle throttle) {

    /** No pacing at all: the fast path. */
    public static final Pace UNLIMITED = new Pace(0, MAX_CHUNK, null, null);

    /** True when neither a per-transfer nor a global bucket applies. */
    public boolean unlimited() {
      return own == null && (throttle == null || throttle.global == null);
    }

    /** Blocks until {@code bytes} (at most {@link #chunkSize()}) may be sent. */
    public void acquire(int bytes) throws InterruptedIOException {
      try {
        if (own != null) {
          own.asBlocking().consume(bytes);
        }
        if (throttle != null && throttle.global != null) {
          long left = bytes;
          while (left > 0) {
            long n = Math.min(left, throttle.globalBurst);
            throttle.global.asBlocking().consume(n);
            left -= n;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while throttled");
      }
    }
  }
}
