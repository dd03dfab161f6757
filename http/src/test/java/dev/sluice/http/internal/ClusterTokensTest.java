package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.ConsumptionProbe;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The cluster's global rate on one node, against a hand-written shared bucket that can stop
 * answering and a clock the test moves.
 */
class ClusterTokensTest {

  /** A shared bucket with {@code available} tokens that throws while {@code down}. */
  private static final class FakeShared implements Throttle.Tokens {
    final AtomicLong available = new AtomicLong(Long.MAX_VALUE / 2);
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public ConsumptionProbe tryConsumeAndReturnRemaining(long tokens) {
      throw new AssertionError("a node takes batches, never single grants, from the store");
    }

    @Override
    public long tryConsumeAsMuchAsPossible(long limit) {
      calls.incrementAndGet();
      if (down.get()) {
        throw new IllegalStateException("connection refused");
      }
      long got = Math.min(limit, available.get());
      available.addAndGet(-got);
      return got;
    }
  }

  private final FakeShared shared = new FakeShared();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ClusterTokens tokens =
      new ClusterTokens(shared, 50 * 1024 * 1024, 5 * 1024 * 1024, () -> 3, now::get);

  @Test
  void aNodeDrawsTheSharedBucketInBatchesNotPerGrant() {
    for (int i = 0; i < 1000; i++) {
      assertThat(tokens.tryConsumeAndReturnRemaining(1024).isConsumed()).isTrue();
    }
    // 1000 KiB in batches of a fiftieth of a second of 50 MiB/s (1 MiB): one call to the store
    assertThat(shared.calls).hasValue(1);
    assertThat(tokens.degraded()).isFalse();
  }

  @Test
  void anEmptySharedBucketIsAskedAgainOnlyAfterAPause() {
    shared.available.set(0);
    ConsumptionProbe refused = tokens.tryConsumeAndReturnRemaining(1024);
    assertThat(refused.isConsumed()).isFalse();
    assertThat(refused.getNanosToWaitForRefill()).isEqualTo(ClusterTokens.PAUSE.toNanos());
    tokens.tryConsumeAndReturnRemaining(1024);
    tokens.tryConsumeAsMuchAsPossible(4096);
    assertThat(shared.calls).as("not again within the pause").hasValue(1);

    shared.available.set(1 << 20);
    now.addAndGet(ClusterTokens.PAUSE.toNanos());
    assertThat(tokens.tryConsumeAndReturnRemaining(1024).isConsumed()).isTrue();
    assertThat(shared.calls).hasValue(2);
  }

  @Test
  void whileTheStoreDoesNotAnswerTheNodePacesToItsShareAndTriesAgainEverySecond() {
    shared.down.set(true);
    ConsumptionProbe local = tokens.tryConsumeAndReturnRemaining(1024); // answered, not thrown
    assertThat(local).isNotNull();
    assertThat(tokens.degraded()).isTrue();
    int callsWhenDown = shared.calls.get();

    tokens.tryConsumeAndReturnRemaining(1024);
    tokens.tryConsumeAsMuchAsPossible(1024);
    assertThat(shared.calls).as("not asked again within a second").hasValue(callsWhenDown);

    shared.down.set(false);
    now.addAndGet(ClusterTokens.RETRY.toNanos());
    assertThat(tokens.tryConsumeAndReturnRemaining(1024).isConsumed()).isTrue();
    assertThat(tokens.degraded()).isFalse();
  }
}
