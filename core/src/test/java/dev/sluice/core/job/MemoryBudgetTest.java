package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Sinks;
import dev.sluice.core.Sources;
import dev.sluice.core.Transforms;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  @Test
  void reservationsNeverExceedTheBudgetAndGiveTheirBytesBackOnClose() throws Exception {
    MemoryBudget budget = MemoryBudget.of(1000);
    MemoryBudget.Reservation a = budget.reserve(600, Duration.ZERO);
    assertThat(a).isNotNull();
    assertThat(budget.reserve(500, Duration.ofMillis(20))).isNull();
    assertThat(budget.used()).isEqualTo(600);
    a.close();
    a.close(); // twice is harmless
    assertThat(budget.used()).isZero();
    try (MemoryBudget.Reservation b = budget.reserve(1000, Duration.ZERO)) {
      assertThat(b).isNotNull();
      assertThat(budget.used()).isEqualTo(1000);
    }
    assertThat(budget.reserve(1001, Duration.ofSeconds(5))).as("never fits: no wait").isNull();
  }

  @Test
  void aShareCapsItsReservationsAndLeavesTheRestOfTheBudgetToOthers() throws Exception {
    MemoryBudget budget = MemoryBudget.of(1000);
    MemoryBudget uploads = budget.share(750);
    MemoryBudget downloads = budget.share(750);

    MemoryBudget.Reservation a = uploads.reserve(500, Duration.ZERO);
    MemoryBudget.Reservation b = uploads.reserve(250, Duration.ZERO);
    assertThat(uploads.reserve(1, Duration.ofMillis(20))).as("the share is full").isNull();
    assertThat(budget.used()).isEqualTo(750);
    assertThat(uploads.used()).isEqualTo(750);

    MemoryBudget.Reservation c = downloads.reserve(250, Duration.ZERO);
    assertThat(c).as("the rest of the budget").isNotNull();
    assertThat(downloads.reserve(1, Duration.ofMillis(20))).as("the budget is full").isNull();
    assertThat(downloads.used()).as("a refusal takes nothing").isEqualTo(250);

    ByteBuffer buffer = a.take(100);
    assertThat(budget.held()).isEqualTo(100);
    assertThat(uploads.held()).isEqualTo(100);
    a.give(buffer);
    assertThat(budget.held()).isZero();

    a.close();
    assertThat(uploads.used()).isEqualTo(250);
    assertThat(budget.used()).isEqualTo(500);
    assertThat(downloads.reserve(500, Duration.ZERO)).as("given back to both").isNotNull();
    b.close();
    c.close();
    assertThatThrownBy(() -> budget.share(1001)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aWaitingReservationIsServedBeforeLaterSmallerOnes() throws Exception {
    MemoryBudget budget = MemoryBudget.of(1000);
    MemoryBudget.Reservation held = budget.reserve(900, Duration.ZERO);
    CountDownLatch queued = new CountDownLatch(1);
    CompletableFuture<MemoryBudget.Reservation> big =
        CompletableFuture.supplyAsync(
            () -> {
              queued.countDown();
              try {
                return budget.reserve(800, Duration.ofSeconds(10));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    queued.await();
    while (budget.waiting() == 0) {
      Thread.onSpinWait(); // until the big one is in the queue
    }
    // 100 bytes are free, but the big one came first: a small one must not overtake it
    assertThat(budget.reserve(100, Duration.ofMillis(50))).isNull();
    held.close();
    try (MemoryBudget.Reservation got = big.get()) {
      assertThat(got.bytes()).isEqualTo(800);
    }
  }

  @Test
  void aReservationOfNothingIsMadeAtOnceEvenBehindAWaitingOne() throws Exception {
    MemoryBudget budget = MemoryBudget.of(1000);
    MemoryBudget.Reservation held = budget.reserve(1000, Duration.ZERO);
    CompletableFuture<MemoryBudget.Reservation> big =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return budget.reserve(800, Duration.ofSeconds(10));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    while (budget.waiting() == 0) {
      Thread.onSpinWait(); // until the big one is in the queue
    }
    // a zero-copy download holds no buffer: it neither waits for memory nor delays the queue
    try (MemoryBudget.Reservation none = budget.reserve(0, Duration.ZERO)) {
      assertThat(none).isNotNull();
      assertThat(none.bytes()).isZero();
      assertThatThrownBy(() -> none.take(1))
          .isInstanceOf(MemoryExhaustedException.class)
          .hasMessageContaining(
              "exceeds the memory reserved for this transfer (0 of 0 bytes left)");
    }
    assertThat(budget.used()).isEqualTo(1000);
    held.close();
    try (MemoryBudget.Reservation got = big.get()) {
      assertThat(got.bytes()).isEqualTo(800);
    }
  }

  @Test
  void buffersComeFromTheReservationAndNoMoreThanItHolds() throws Exception {
    MemoryBudget budget = MemoryBudget.of(1 << 20);
    try (MemoryBudget.Reservation memory = budget.reserve(64 * 1024, Duration.ZERO)) {
      ByteBuffer one = memory.take(32 * 1024);
      ByteBuffer two = memory.take(32 * 1024);
      assertThat(one.isDirect()).isTrue();
      assertThat(one.capacity()).isEqualTo(32 * 1024);
      assertThatThrownBy(() -> memory.take(1))
          .isInstanceOf(MemoryExhaustedException.class)
          .hasMessage(
              "a buffer of 1 bytes exceeds the memory reserved for this transfer (0 of 65536"
                  + " bytes left)");
      memory.give(two);
      assertThat(memory.take(32 * 1024).capacity()).isEqualTo(32 * 1024);
      memory.give(one);
    }
  }

  @Test
  void aJobTakesNoMoreThanWindowChunksFromItsReservationAndGivesThemAllBack() throws Exception {
    int chunk = 4 * 1024;
    int window = 3;
    MemoryBudget budget = MemoryBudget.of(1 << 20);
    try (MemoryBudget.Reservation memory = budget.reserve((long) chunk * window, Duration.ZERO)) {
      // 256 chunks through a window of 3: a fourth chunk taken would fail the job
      IngestionReport report =
          Ingestion.from(Sources.generated(256L * chunk, 7))
              .through(Transforms.sha256())
              .to(Sinks.discard())
              .chunkSize(chunk)
              .window(window)
              .memory(memory)
              .run();

      assertThat(report.bytesIn()).isEqualTo(256L * chunk);
      // every chunk came back: the whole reservation can be taken again, and no more
      ByteBuffer[] all = {memory.take(chunk), memory.take(chunk), memory.take(chunk)};
      assertThatThrownBy(() -> memory.take(1)).isInstanceOf(MemoryExhaustedException.class);
      for (ByteBuffer buffer : all) {
        memory.give(buffer);
      }
    }
  }
}
