package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.TestData;
import dev.sluice.core.testing.TransformContract;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A rate limit passes every byte on unchanged, in slices of 50 ms worth, and waits interruptibly.
 * Functional checks only: how close it keeps to its rate is for the benchmarks.
 */
class RateLimitTransformTest extends TransformContract {

  @Override
  protected Transform transform() {
    return Transforms.rate(1L << 30);
  }

  @Override
  protected void assertTransformed(byte[] input, byte[] output) {
    assertThat(output).isEqualTo(input);
  }

  @Test
  void aLargeChunkIsPassedOnInSlicesOfFiftyMillisecondsWorth() throws IOException {
    byte[] content = TestData.random(50_000);
    RecordingSink downstream = new RecordingSink();
    Sink sink = Transforms.rate(200_000).apply(downstream); // slices of 10,000 bytes

    sink.write(ByteBuffer.wrap(content));
    sink.commit();

    assertThat(downstream.writeSizes()).containsOnly(10_000).hasSize(5);
    assertThat(downstream.bytes()).isEqualTo(content);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void aWriterWaitingForCreditStopsWhenInterrupted() throws Exception {
    RecordingSink downstream = new RecordingSink();
    Sink sink = Transforms.rate(1).apply(downstream); // one byte per second
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    sink.write(ByteBuffer.wrap(new byte[60])); // a minute's worth
                    outcome.complete(null);
                  } catch (Throwable t) {
                    outcome.complete(t);
                  }
                });

    writer.interrupt();

    assertThat(outcome.get(5, TimeUnit.SECONDS))
        .isInstanceOf(InterruptedIOException.class)
        .hasMessage("interrupted while rate limiting");
    assertThat(downstream.bytes().length).isLessThan(60);
  }

  @Test
  void pacesWritesToTheRateInSlicesOfFiftyMilliseconds() throws IOException {
    AtomicLong now = new AtomicLong(7_000_000_000L);
    List<Long> pauses = new ArrayList<>();
    RecordingSink downstream = new RecordingSink();
    Sink sink = new RateLimitSink(downstream, 200_000, now::get, fakePause(now, pauses));

    sink.write(ByteBuffer.wrap(TestData.random(1_000_000))); // five seconds' worth

    assertThat(pauses).hasSize(100).containsOnly(50_000_000L);
    assertThat(now.get()).isEqualTo(12_000_000_000L);
    assertThat(downstream.bytes()).hasSize(1_000_000);
  }

  @Test
  void anIdleWriterMaySendAHundredMillisecondsWorthAtOnce() throws IOException {
    AtomicLong now = new AtomicLong();
    List<Long> pauses = new ArrayList<>();
    Sink sink = new RateLimitSink(new RecordingSink(), 200_000, now::get, fakePause(now, pauses));
    now.addAndGet(1_000_000_000L); // a second idle

    sink.write(ByteBuffer.wrap(new byte[20_000])); // 100 ms worth: the burst
    assertThat(pauses).isEmpty();

    sink.write(ByteBuffer.wrap(new byte[10_000])); // beyond the burst: paced again
    assertThat(pauses).containsExactly(50_000_000L);
  }

  /** Waits by advancing {@code now}, recording each wait. */
  private static RateLimitSink.Pause fakePause(AtomicLong now, List<Long> pauses) {
    return nanos -> {
      pauses.add(nanos);
      now.addAndGet(nanos);
    };
  }

  @Test
  void aRateOfZeroIsRefusedWithTheRule() {
    assertThatThrownBy(() -> Transforms.rate(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bytesPerSecond must be > 0: 0");
  }
}
