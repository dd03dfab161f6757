package dev.sluice.http.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * Download pacing with Bucket4j token buckets (one token = one byte): a bucket per transfer and one
 * global bucket shared by every transfer. A paced writer parks its virtual thread until the tokens
 * are there, so a throttled client costs a thread stack, not memory growth: it takes a small buffer
 * only once its tokens are granted, for the write of what was granted (see {@code Deliveries}).
 *
 * <p>A writer parks on its own bucket for as long as its tokens need, on the shared bucket in
 * slices of at most {@link #SLICE}, and takes tokens only when they are all there (it never
 * reserves ahead): a transfer whose client went away is interrupted (see {@code Deliveries}), which
 * wakes it at once, and leaves no debt in the shared bucket. A requested rate below {@link
 * #MIN_RATE} is refused with 400: at 1 KiB/s a chunk is due every second, so a disconnect is
 * noticed by the next write at the latest.
 */
public final class Throttle {

  /** The largest chunk a throttled transfer writes at once. */
  public static final int MAX_CHUNK = 256 * 1024;

  private static final int MIN_CHUNK = 1024;

  /** The lowest rate a transfer may ask for, in bytes/s. */
  public static final long MIN_RATE = 1024;

  /**
   * The longest a paced writer parks on the shared bucket before it looks again: others take from
   * it meanwhile, so its wait is an estimate.
   */
  static final Duration SLICE = Duration.ofMillis(100);

  /**
   * Paced writers wake on the boundaries of this tick of the monotonic clock: the wake-ups of every
   * transfer due within one tick come together, so the carrier threads run them back to back rather
   * than each waking the scheduler and a carrier on its own.
   */
  static final long TICK_NANOS = Duration.ofMillis(10).toNanos();

  /**
   * The longest a paced writer parks on its own bucket: its wait is exact (only it takes from the
   * bucket), a chunk's is an eighth of a second, and an interrupt wakes it at once.
   */
  private static final Duration OWN_PARK = Duration.ofSeconds(2);

  private final Tokens global;
  private final long globalBurst;
  private final long defaultRate;
  private final long maxRate;

  /**
   * @param globalRate bytes/s for all transfers together; 0 for none
   * @param defaultRate bytes/s of a transfer that names none; 0 for unthrottled
   * @param maxRate the cap on a requested rate; 0 for no cap
   */
  public Throttle(long globalRate, long defaultRate, long maxRate) {
    this(globalRate, defaultRate, maxRate, null);
  }

  /**
   * As {@link #Throttle(long, long, long)}, the global limit's tokens coming from {@code shared}
   * (e.g. a bucket all nodes of a cluster share) when it is not null.
   */
  Throttle(long globalRate, long defaultRate, long maxRate, Tokens shared) {
    this.globalBurst = globalBurst(globalRate);
    this.global =
        globalRate == 0
            ? null
            : shared != null ? shared : Tokens.of(bucket(globalRate, globalBurst, globalBurst));
    this.defaultRate = defaultRate == 0 ? 0 : Math.max(MIN_RATE, defaultRate);
    this.maxRate = maxRate == 0 ? 0 : Math.max(MIN_RATE, maxRate);
  }

  /** The burst of the global bucket: a tenth of a second of the rate, at least one chunk. */
  static long globalBurst(long globalRate) {
    return globalRate == 0 ? 0 : Math.max(MAX_CHUNK, globalRate / 10);
  }

  /** Nanoseconds from {@code now} to the first tick boundary at least {@code wait} after it. */
  static long untilTick(long now, long wait) {
    long due = now + wait;
    return wait + (TICK_NANOS - Math.floorMod(due, TICK_NANOS)) % TICK_NANOS;
  }

  /** Where tokens come from: a Bucket4j bucket, local or shared by a cluster. */
  interface Tokens {
    ConsumptionProbe tryConsumeAndReturnRemaining(long tokens);

    long tryConsumeAsMuchAsPossible(long limit);

    static Tokens of(Bucket bucket) {
      return new Tokens() {
        @Override
        public ConsumptionProbe tryConsumeAndReturnRemaining(long tokens) {
          return bucket.tryConsumeAndReturnRemaining(tokens);
        }

        @Override
        public long tryConsumeAsMuchAsPossible(long limit) {
          return bucket.tryConsumeAsMuchAsPossible(limit);
        }
      };
    }
  }

  /** A bucket refilled at {@code rate} tokens/s, holding at most {@code capacity}. */
  private static Bucket bucket(long rate, long capacity, long initial) {
    return Bucket.builder()
        .addLimit(
            limit ->
                limit
                    .capacity(capacity)
                    .refillGreedy(rate, Duration.ofSeconds(1))
                    .initialTokens(initial))
        .build();
  }

  /**
   * The pacing for one transfer that asked for {@code requested} bytes/s ({@code null}: the
   * default), capped by the server's maximum.
   *
   * @throws HttpProblem 400 if {@code requested} is not a size such as {@code 64KiB}, or is below
   *     {@link #MIN_RATE}
   */
  public Pace forTransfer(String requested) {
    long rate = defaultRate;
    if (requested != null) {
      try {
        rate = dev.sluice.core.ByteSize.parseRate(requested);
      } catch (IllegalArgumentException e) {
        throw new HttpProblem(400, "rate: " + e.getMessage());
      }
      if (rate <= 0) {
        throw new HttpProblem(400, "rate must be > 0: " + requested);
      }
      if (rate < MIN_RATE) {
        throw new HttpProblem(
            400,
            "rate "
                + requested
                + " ("
                + dev.sluice.core.ByteSize.format(rate)
                + "/s) is below the minimum of 1KiB/s ("
                + MIN_RATE
                + " bytes/s)");
      }
    }
    if (maxRate > 0 && (rate == 0 || rate > maxRate)) {
      rate = maxRate;
    }
    if (rate == 0 && global == null) {
      return Pace.UNLIMITED;
    }
    int chunk = rate == 0 ? MAX_CHUNK : (int) Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, rate / 8));
    // a transfer's own bucket starts with one chunk and holds two, so a writer that wakes up to a
    // tick late loses none of the rate to a full bucket
    return new Pace(rate, chunk, rate == 0 ? null : bucket(rate, 2L * chunk, chunk), this);
  }

  /** The pacing of one transfer: its rate (0 = only the global limit) and chunk size. */
  public record Pace(long rate, int chunkSize, Bucket own, Throttle throttle) {

    /** No pacing at all: the fast path. */
    public static final Pace UNLIMITED = new Pace(0, MAX_CHUNK, null, null);

    /** True when neither a per-transfer nor a global bucket applies. */
    public boolean unlimited() {
      return own == null && (throttle == null || throttle.global == null);
    }

    /**
     * Blocks until {@code bytes} (at most {@link #chunkSize()}) may be sent, parking until a tick
     * boundary ({@link #TICK_NANOS}): on its own bucket for as long as the tokens need (at most
     * {@link #OWN_PARK}), on the shared one in slices of at most {@link #SLICE}. The transfer's own
     * bucket grants them all at once, so a paced download writes one chunk (an eighth of a second
     * of its rate, at least 1 KiB) per wake-up, not whatever trickled in since the last (a 1 KiB
     * write every 16 ms at 64 KiB/s: 8 times the wake-ups and writes). The global bucket, shared by
     * every transfer, grants as soon as it holds {@code min(bytes, 1 KiB)}, with as many more as it
     * holds then, so a big chunk never waits for a shared bucket to fill while small ones take from
     * it.
     *
     * @return the bytes that may be sent now, 1 to {@code bytes}
     * @throws InterruptedIOException if interrupted (a cancel, a client gone) while waiting
     */
    public int acquire(int bytes) throws InterruptedIOException {
      try {
        int wanted = Math.min(bytes, chunkSize);
        long granted = own == null ? bytes : take(Tokens.of(own), wanted, wanted, OWN_PARK);
        if (throttle != null && throttle.global != null) {
          long most = Math.min(granted, throttle.globalBurst);
          long shared = take(throttle.global, Math.min(most, MIN_CHUNK), most, SLICE);
          if (shared < granted && own != null) {
            own.addTokens(granted - shared); // not sent now: this transfer's own to use later
          }
          granted = shared;
        }
        return (int) granted;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while throttled");
      }
    }

    /**
     * Takes at least {@code need} tokens, waiting for them in parks of at most {@code longestPark},
     * and at most {@code max}.
     */
    private static long take(Tokens bucket, long need, long max, Duration longestPark)
        throws InterruptedException {
      while (true) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(need);
        if (probe.isConsumed()) {
          return max == need ? need : need + bucket.tryConsumeAsMuchAsPossible(max - need);
        }
        long nanos = Math.min(probe.getNanosToWaitForRefill(), longestPark.toNanos());
        Thread.sleep(Duration.ofNanos(untilTick(System.nanoTime(), Math.max(1_000_000, nanos))));
      }
    }
  }
}
