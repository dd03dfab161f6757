package dev.sluice.core.job;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pipe's hand-offs, each interleaving forced: a call that must block runs on its own thread and
 * the test goes on only once that thread is parked in it, so no outcome depends on timing.
 */
class ChunkPipeTest {

  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void close() {
    threads.shutdownNow();
  }

  /** Runs {@code call} on another thread and returns once that thread is parked in it. */
  private <T> Future<T> blockedIn(Callable<T> call) {
    AtomicReference<Thread> thread = new AtomicReference<>();
    Future<T> future =
        threads.submit(
            () -> {
              thread.set(Thread.currentThread());
              return call.call();
            });
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> future.isDone() || thread.get() != null && isParked(thread.get().getState()));
    assertThat(future).as("still blocked").isNotDone();
    return future;
  }

  private static boolean isParked(Thread.State state) {
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }

  private static ByteBuffer chunk(String text) {
    return ByteBuffer.wrap(text.getBytes(US_ASCII));
  }

  private static String text(ByteBuffer chunk) {
    return US_ASCII.decode(chunk.duplicate()).toString();
  }

  private static Throwable failureOf(Future<?> future) throws InterruptedException {
    try {
      future.get(10, TimeUnit.SECONDS);
      throw new AssertionError("did not fail");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("still blocked", e);
    }
  }

  @Test
  void theReaderTakesTheChunksInTheOrderPushedThenTheEnd() throws IOException {
    ChunkPipe pipe = new ChunkPipe("test", 3);
    for (String text : List.of("a", "b", "c")) {
      assertThat(pipe.claim()).isNull();
      pipe.push(chunk(text));
    }
    pipe.close();

    List<String> taken = new ArrayList<>();
    ByteBuffer next;
    while ((next = pipe.take()) != null) {
      taken.add(text(next));
      pipe.release(next);
    }

    assertThat(taken).containsExactly("a", "b", "c");
    assertThat(pipe.take()).as("the end again").isNull();
    assertThat(pipe.maxInFlight()).isEqualTo(3);
  }

  @Test
  void claimWaitsOnceCapacityChunksGoRoundAndReturnsTheChunkTheReaderReleased() throws Exception {
    ChunkPipe pipe = new ChunkPipe("test", 2);
    ByteBuffer first = ByteBuffer.allocate(4).put((byte) 1).flip();
    ByteBuffer second = ByteBuffer.allocate(4).put((byte) 2).flip();
    assertThat(pipe.claim()).isNull();
    pipe.push(first);
    assertThat(pipe.claim()).isNull();
    pipe.push(second);

    Future<ByteBuffer> claim = blockedIn(pipe::claim);
    ByteBuffer taken = pipe.take();
    pipe.release(taken);

    ByteBuffer claimed = claim.get(10, TimeUnit.SECONDS);
    assertThat(claimed).isSameAs(first);
    assertThat(claimed.position()).as("cleared").isZero();
    assertThat(claimed.limit()).isEqualTo(4);
  }

  @Test
  void noMoreThanCapacityChunksEverExistWhateverTheStreamsLength() throws Exception {
    ChunkPipe pipe = new ChunkPipe("test", 3);
    Set<ByteBuffer> created = Collections.newSetFromMap(new IdentityHashMap<>());
    Future<Void> writer =
        threads.submit(
            () -> {
              for (int i = 0; i < 10_000; i++) {
                ByteBuffer chunk = pipe.claim();
                if (chunk == null) {
                  chunk = ByteBuffer.allocate(4);
                  created.add(chunk);
                }
                pipe.push(chunk.putInt(i).flip());
              }
              pipe.close();
              return null;
            });

    int expected = 0;
    ByteBuffer next;
    while ((next = pipe.take()) != null) {
      assertThat(next.getInt()).isEqualTo(expected++);
      pipe.release(next);
    }
    writer.get(10, TimeUnit.SECONDS);

    assertThat(expected).isEqualTo(10_000);
    assertThat(created).hasSizeLessThanOrEqualTo(3);
    assertThat(pipe.maxInFlight()).isLessThanOrEqualTo(3);
  }

  @Test
  void isClosedOnceTheWriterClosedWhileItsChunksStillWait() throws IOException {
    ChunkPipe pipe = new ChunkPipe("test", 2);
    pipe.push(ByteBuffer.allocate(4).put((byte) 1).flip());
    assertThat(pipe.isClosed()).isFalse();

    pipe.close();

    assertThat(pipe.isClosed()).isTrue();
    assertThat(pipe.poll()).isNotNull();
    assertThat(pipe.poll()).isNull();
  }

  @Test
  void aBatchingPipeWakesAWaitingReaderOnceTheBatchIsPushed() throws Exception {
    ChunkPipe pipe = new ChunkPipe("test", 4, 3);
    Future<ByteBuffer> take = blockedIn(pipe::take);

    pipe.push(chunk("a"));
    pipe.push(chunk("b"));
    Thread.sleep(50); // nothing wakes the reader yet: it stays parked
    assertThat(take).isNotDone();
    pipe.push(chunk("c"));

    assertThat(text(take.get(10, TimeUnit.SECONDS))).isEqualTo("a");
    assertThat(text(pipe.poll())).isEqualTo("b");
    assertThat(text(pipe.poll())).isEqualTo("c");
  }

  @Test
  void aBatchingPipeWakesTheReaderForAPartBatchWhenTheWriterCloses() throws Exception {
    ChunkPipe pipe = new ChunkPipe("test", 4, 3);
    Future<ByteBuffer> take = blockedIn(pipe::take);

    pipe.push(chunk("a"));
    pipe.close();

    assertThat(text(take.get(10, TimeUnit.SECONDS))).isEqualTo("a");
    assertThat(pipe.take()).isNull();
  }

  @Test
  void aBatchingPipeWakesTheReaderForAPartBatchBeforeTheWriterWaitsForRoom() throws Exception {
    ChunkPipe pipe = new ChunkPipe("test", 3, 2);
    pipe.push(chunk("a"));
    pipe.push(chunk("b"));
    ByteBuffer a = pipe.take();
    ByteBuffer b = pipe.take(); // the reader holds both
    Future<ByteBuffer> take = blockedIn(pipe::take);
    pipe.push(chunk("c")); // a part batch: not yet handed over

    Future<ByteBuffer> claim =
        blockedIn(pipe::claim); // no room: the writer waits, waking the reader

    assertThat(text(take.get(10, TimeUnit.SECONDS))).isEqualTo("c");
    pipe.release(a);
    assertThat(claim.get(10, TimeUnit.SECONDS)).isSameAs(a);
    pipe.release(b);
  }

  @Test
  void aBatchCannotBeLargerThanThePipe() {
    assertThatThrownBy(() -> new ChunkPipe("test", 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1..2");
    assertThatThrownBy(() -> new ChunkPipe("test", 2, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closingWakesAReaderWaitingForAChunkWithTheEnd() throws Exception {
    ChunkPipe pipe = new ChunkPipe("test", 1);
    Future<ByteBuffer> take = blockedIn(pipe::take);

    pipe.close();

    assertThat(take.get(10, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void aWriterFailureWakesTheReaderWithItAsTheCauseAndDropsWhatWasPushed() throws Exception {
    ChunkPipe pipe = new ChunkPipe("part 'a.bin'", 2);
    pipe.push(chunk("never read"));
    pipe.release(pipe.take());
    Future<ByteBuffer> take = blockedIn(pipe::take);
    IOException aborted = new IOException("upload aborted");

    pipe.fail(aborted);

    assertThat(failureOf(take))
        .isInstanceOf(IOException.class)
        .hasMessage("part 'a.bin' failed")
        .hasCause(aborted);

    ChunkPipe dropped = new ChunkPipe("test", 2);
    dropped.push(chunk("dropped"));
    dropped.fail(aborted);
    assertThatThrownBy(dropped::take).hasCause(aborted);
    assertThat(dropped.claim()).as("the dropped chunk is the writer's again").isNotNull();
  }

  @Test
  void aReaderCancelWakesTheWriterWaitingForRoomWithTheReadersCause() throws Exception {
    ChunkPipe pipe = new ChunkPipe("stream", 1);
    pipe.push(chunk("a"));
    Future<ByteBuffer> claim = blockedIn(pipe::claim);
    IllegalStateException stopped = new IllegalStateException("the load ended early");

    pipe.cancel(stopped);

    assertThat(failureOf(claim))
        .isInstanceOf(IOException.class)
        .hasMessage("stream: the reader stopped")
        .hasCause(stopped);
    assertThatThrownBy(() -> pipe.push(chunk("b"))).hasCause(stopped);
    assertThatThrownBy(pipe::take)
        .as("the reader's own later calls")
        .isInstanceOf(IOException.class)
        .hasMessage("stream is closed");
  }

  @Test
  void anInterruptEndsABlockedCallAndKeepsTheThreadsInterruptStatus() throws Exception {
    ChunkPipe pipe = new ChunkPipe("test", 1);
    AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
    AtomicReference<Thread> reader = new AtomicReference<>();
    Future<ByteBuffer> take =
        blockedIn(
            () -> {
              reader.set(Thread.currentThread());
              try {
                return pipe.take();
              } finally {
                stillInterrupted.set(Thread.currentThread().isInterrupted());
              }
            });

    reader.get().interrupt();

    assertThat(failureOf(take)).isInstanceOf(InterruptedIOException.class);
    assertThat(stillInterrupted.get()).isTrue();
  }

  @Test
  void readCopiesAcrossChunksAndReleasesEachOnceCopied() throws Exception {
    ChunkPipe pipe = new ChunkPipe("test", 2);
    pipe.push(chunk("hello"));
    pipe.push(chunk("world"));
    pipe.close();
    ByteBuffer into = ByteBuffer.allocate(3);

    assertThat(pipe.read(into)).isEqualTo(3);
    Future<ByteBuffer> claim = blockedIn(pipe::claim); // 'hello' is not all copied yet
    assertThat(pipe.read(into.clear())).as("at most one chunk per read").isEqualTo(2);
    assertThat(text(claim.get(10, TimeUnit.SECONDS))).as("released once copied").isEqualTo("hello");
    assertThat(pipe.read(into.clear())).isEqualTo(3);
    assertThat(pipe.read(into.clear())).isEqualTo(2);
    assertThat(pipe.read(into.clear())).isEqualTo(-1);
    assertThat(pipe.read(ByteBuffer.allocate(0))).as("no room").isZero();
  }

  @Test
  void aWriterHandingOverABufferItDoesNotOwnGetsItBackOnlyOnceTheReaderCopiedItAll()
      throws Exception {
    ChunkPipe pipe = new ChunkPipe("part", 1);
    ByteBuffer slice = chunk("abcdef");
    pipe.push(slice);
    Future<ByteBuffer> back = blockedIn(pipe::claim);

    ByteBuffer into = ByteBuffer.allocate(4);
    assertThat(pipe.read(into)).isEqualTo(4);
    assertThat(back).as("two bytes still to copy").isNotDone();
    assertThat(pipe.read(into.clear())).isEqualTo(2);

    assertThat(back.get(10, TimeUnit.SECONDS)).isSameAs(slice);
  }

  @Test
  void pollAnswersAtOnceAndPollWithATimeoutWaitsForAChunk() throws Exception {
    ChunkPipe pipe = new ChunkPipe("test", 1);
    assertThat(pipe.poll()).isNull();
    assertThat(pipe.poll(1000)).as("none came within a microsecond").isNull();
    Future<ByteBuffer> poll = blockedIn(() -> pipe.poll(TimeUnit.MINUTES.toNanos(1)));

    pipe.push(chunk("a"));

    assertThat(text(poll.get(10, TimeUnit.SECONDS))).isEqualTo("a");
  }

  @Test
  void pushingAfterTheWriterEndedIsAMistake() {
    ChunkPipe pipe = new ChunkPipe("test", 1);
    pipe.close();

    assertThatThrownBy(() -> pipe.push(chunk("late")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("test: push after the writer ended");
    assertThatThrownBy(() -> new ChunkPipe("test", 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
