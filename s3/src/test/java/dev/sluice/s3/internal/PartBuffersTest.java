package dev.sluice.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.job.MemoryExhaustedException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Part buffers reserved from a memory budget: how many, when they wait, and that all go back. */
class PartBuffersTest {

  private static final int PART = 1024;

  @Test
  void theFirstBufferWaitsForTheBudgetThenFailsWithMemoryExhausted() throws Exception {
    MemoryBudget budget = MemoryBudget.of(PART);
    MemoryBudget.Reservation other = budget.reserve(PART, Duration.ZERO);
    PartBuffers buffers = new PartBuffers(PART, 4, budget, Duration.ofMillis(20));
    assertThatThrownBy(buffers::take)
        .isInstanceOf(MemoryExhaustedException.class)
        .hasMessage(
            "no memory for a part buffer of 1.0 KiB within 20 ms (memory budget 1.0 KiB of 1.0"
                + " KiB in use)");
    assertThat(budget.used()).isEqualTo(PART); // the other's only
    other.close();
    assertThat(budget.used()).isZero();
  }

  @Test
  void moreBuffersAreTakenOnlyWhileTheBudgetHasRoomThenTheUploadWaitsForItsOwn() throws Exception {
    MemoryBudget budget = MemoryBudget.of(2 * PART);
    PartBuffers buffers = new PartBuffers(PART, 4, budget, Duration.ZERO);
    ByteBuffer first = buffers.take();
    buffers.startUpload();
    ByteBuffer second = buffers.take();
    buffers.startUpload();
    assertThat(second).isNotSameAs(first);
    assertThat(budget.used()).isEqualTo(2 * PART);

    CompletableFuture<ByteBuffer> third = CompletableFuture.supplyAsync(() -> take(buffers));
    buffers.finishUpload(first);
    assertThat(third.get()).isSameAs(first); // its own, not a third from the budget
    assertThat(budget.used()).isEqualTo(2 * PART);

    buffers.finishUpload(second);
    buffers.giveBack(first);
    buffers.release();
    assertThat(budget.used()).isZero();
  }

  @Test
  void anExtraBufferThatComesBackWhileAnotherTransferWaitsGoesBackToTheBudget() throws Exception {
    MemoryBudget budget = MemoryBudget.of(2 * PART);
    PartBuffers buffers = new PartBuffers(PART, 4, budget, Duration.ZERO);
    ByteBuffer first = buffers.take();
    buffers.startUpload();
    ByteBuffer second = buffers.take();
    buffers.startUpload();
    CompletableFuture<MemoryBudget.Reservation> other =
        CompletableFuture.supplyAsync(() -> reserve(budget, PART));
    await().atMost(Duration.ofSeconds(5)).until(() -> budget.waiting() == 1);

    buffers.finishUpload(first);
    try (MemoryBudget.Reservation reserved = other.get()) {
      assertThat(reserved).isNotNull();
      assertThat(budget.used()).isEqualTo(2 * PART); // the other's and this upload's second
      buffers.finishUpload(second); // its last one: kept, though nobody waits now anyway
      assertThat(buffers.take()).isSameAs(second);
      buffers.giveBack(second);
    }
    buffers.release();
    assertThat(budget.used()).isZero();
  }

  @Test
  void releaseGivesEveryBufferBackOnceThoseInFlightAsTheirPartsEnd() throws Exception {
    MemoryBudget budget = MemoryBudget.of(4 * PART);
    PartBuffers buffers = new PartBuffers(PART, 2, budget, Duration.ZERO);
    ByteBuffer uploading = buffers.take();
    buffers.startUpload();
    ByteBuffer filling = buffers.take();
    buffers.giveBack(filling);
    buffers.release();
    assertThat(budget.used()).isEqualTo(PART); // the part in flight still reads its buffer
    buffers.finishUpload(uploading);
    assertThat(budget.used()).isZero();
    buffers.release();
    assertThat(budget.used()).isZero();
    assertThatThrownBy(buffers::take).hasMessageContaining("the upload has ended");
  }

  @Test
  void withoutABudgetParallelPlusOneBuffersAreAllocated() throws Exception {
    PartBuffers buffers = new PartBuffers(PART, 2, null, Duration.ZERO);
    ByteBuffer a = buffers.take();
    buffers.startUpload();
    ByteBuffer b = buffers.take();
    buffers.startUpload();
    ByteBuffer c = buffers.take();
    assertThat(a.isDirect() && b.isDirect() && c.isDirect()).isTrue();
    CompletableFuture<ByteBuffer> fourth = CompletableFuture.supplyAsync(() -> take(buffers));
    buffers.finishUpload(b);
    assertThat(fourth.get()).isSameAs(b);
  }

  private static ByteBuffer take(PartBuffers buffers) {
    try {
      return buffers.take();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static MemoryBudget.Reservation reserve(MemoryBudget budget, long bytes) {
    try {
      return budget.reserve(bytes, Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
