package dev.sluice.core.testing;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A sink that holds each chunk before accepting it: until the test releases it ({@link #gated()})
 * or for a fixed pause ({@link #pausing}). Waiting is interruptible and then throws {@link
 * InterruptedIOException}, like a blocking socket or file write.
 *
 * <p>With {@link #observing}, every write records, on entry and again once let through, how many
 * chunks the source had produced that the sink had not yet accepted (this one included): {@link
 * #maxAhead()} is the largest such lead.
 */
public final class SlowSink implements Sink {

  private final RecordingSink recorded = new RecordingSink();
  private final Semaphore gate;
  private final Duration pause;
  private final CountDownLatch blocked = new CountDownLatch(1);
  private final AtomicInteger maxAhead = new AtomicInteger();
  private volatile IntSupplier producedChunks;

  private SlowSink(Semaphore gate, Duration pause) {
    this.gate = gate;
    this.pause = pause;
  }

  /** Holds every chunk until {@link #release} or {@link #open} lets it through. */
  public static SlowSink gated() {
    return new SlowSink(new Semaphore(0), null);
  }

  /** Holds every chunk for {@code pause}. */
  public static SlowSink pausing(Duration pause) {
    return new SlowSink(null, pause);
  }

  /** Records, at each write, how far {@code source} was ahead of this sink (in chunks). */
  public SlowSink observing(CountingSource source) {
    this.producedChunks = source::chunksRead;
    return this;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    observeLead();
    blocked.countDown();
    try {
      if (gate != null) {
        gate.acquire();
      } else {
        TimeUnit.NANOSECONDS.sleep(pause.toNanos());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted in " + this);
      interrupted.initCause(e);
      throw interrupted;
    }
    observeLead();
    recorded.write(chunk);
  }

  private void observeLead() {
    IntSupplier produced = producedChunks;
    if (produced != null) {
      maxAhead.accumulateAndGet(produced.getAsInt() - recorded.writes(), Math::max);
    }
  }

  /** Lets {@code chunks} more writes through. */
  public void release(int chunks) {
    gate.release(chunks);
  }

  /** Lets every write through from now on. */
  public void open() {
    gate.release(Integer.MAX_VALUE / 2);
  }

  /** How many chunks were let through so far. */
  public int accepted() {
    return recorded.writes();
  }

  /** Waits until a write has entered this sink; false if none did within {@code timeout}. */
  public boolean awaitWrite(Duration timeout) throws InterruptedException {
    return blocked.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The largest lead of the source over this sink seen at a write, in chunks. */
  public int maxAhead() {
    return maxAhead.get();
  }

  @Override
  public Receipt commit() throws IOException {
    return recorded.commit();
  }

  @Override
  public void abort(Throwable cause) {
    recorded.abort(cause);
  }

  /** The calls this sink received; a write is recorded once it was let through. */
  public RecordingSink recorded() {
    return recorded;
  }

  @Override
  public String toString() {
    return gate != null ? "slow(gated)" : "slow(" + pause + " per chunk)";
  }
}
