package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.coord.CoordinationOptions;
import dev.sluice.coord.local.LocalCoordination;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Upload leases between two "nodes" sharing one in-memory coordination. */
class UploadLeasesTest {

  private final LocalCoordination.Memory cluster = new LocalCoordination.Memory();
  private final LocalCoordination a =
      LocalCoordination.open(cluster, CoordinationOptions.defaults().withNodeId("a"));
  private final LocalCoordination b =
      LocalCoordination.open(cluster, CoordinationOptions.defaults().withNodeId("b"));

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  @Test
  void aRequestOnAnotherNodeStopsTheHolderAndTakesTheUploadOnceItIsReleased() throws Exception {
    UploadHold first = UploadLeases.over(a).hold("u1");
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean lostWhenStopped = new AtomicBoolean(true);
    first.onStop(
        () -> {
          lostWhenStopped.set(first.lost());
          stopped.countDown();
          first.close(); // the append ended at its durable offset
        });

    CompletableFuture<UploadHold> second =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return UploadLeases.over(b).hold("u1");
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(lostWhenStopped).as("asked back, not lost").isFalse();
    try (UploadHold taken = second.get(10, TimeUnit.SECONDS)) {
      assertThat(taken.lost()).isFalse();
      assertThat(UploadLeases.over(a).holdIfFree("u1")).as("held by b").isNull();
    }
    try (UploadHold free = UploadLeases.over(a).holdIfFree("u1")) {
      assertThat(free).isNotNull();
    }
  }

  @Test
  void aHoldWhoseLeaseLapsedWritesNothingMoreAndPublishesNothing() throws Exception {
    // renewals far apart: the 100 ms lease lapses before the first one
    try (LocalCoordination slow =
        LocalCoordination.open(
            cluster,
            CoordinationOptions.defaults()
                .withNodeId("slow")
                .withLeaseTime(Duration.ofMillis(100))
                .withRenewEvery(Duration.ofHours(1)))) {
      UploadHold hold = UploadLeases.over(slow).hold("u2");
      AtomicInteger written = new AtomicInteger();
      Sink guarded = hold.guard(counting(written));
      guarded.write(ByteBuffer.allocate(10));
      assertThat(written).hasValue(10);

      await().atMost(Duration.ofSeconds(5)).until(hold::lost);
      assertThatThrownBy(() -> guarded.write(ByteBuffer.allocate(10)))
          .isInstanceOf(IOException.class)
          .hasMessage("the lease on upload u2 was lost");
      assertThat(written).hasValue(10);
      assertThatThrownBy(hold::requireHeld)
          .isInstanceOf(HttpProblem.class)
          .satisfies(e -> assertThat(((HttpProblem) e).status()).isEqualTo(503))
          .satisfies(e -> assertThat(((HttpProblem) e).headers()).containsKey("Retry-After"));
      hold.close();
    }
  }

  private static Sink counting(AtomicInteger written) {
    return new Sink() {
      @Override
      public void write(ByteBuffer chunk) {
        written.addAndGet(chunk.remaining());
        chunk.position(chunk.limit());
      }

      @Override
      public Receipt commit() {
        return Receipt.of("counted");
      }

      @Override
      public void abort(Throwable cause) {}
    };
  }
}
