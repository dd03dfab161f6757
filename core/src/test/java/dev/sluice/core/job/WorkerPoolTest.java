package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.AbortReason;
import dev.sluice.core.CancelledException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {

  private final WorkerPool pool = WorkerPool.of(1, 2);
  private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

  @AfterEach
  void close() {
    pool.close();
    callers.shutdownNow();
  }

  /** Keeps the pool's only worker busy until {@code release} opens; returns once it is busy. */
  private Future<Object> occupyTheOnlyWorker(CountDownLatch release) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(1);
    Future<Object> busy =
        callers.submit(
            () ->
                pool.run(
                    () -> {
                      started.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        throw new InterruptedIOException();
                      }
                      return null;
                    }));
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    return busy;
  }

  private static Set<String> workerThreadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("sluice-worker-"))
        .collect(Collectors.toSet());
  }

  @Test
  void runsWorkOnANamedPlatformThreadAndReturnsItsResult() throws IOException {
    Thread caller = Thread.currentThread();

    Thread worker = pool.run(Thread::currentThread);

    assertThat(worker).isNotSameAs(caller);
    assertThat(worker.isVirtual()).isFalse();
    assertThat(worker.getName()).startsWith("sluice-worker-");
  }

  @Test
  void reportsWorkWaitingForABusyWorker() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<Object> busy = occupyTheOnlyWorker(release);
    assertThat(pool.hasWaitingWork()).isFalse();

    Future<String> waiting = callers.submit(() -> pool.run(() -> "done"));
    await().atMost(10, TimeUnit.SECONDS).until(pool::hasWaitingWork);

    release.countDown();
    assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("done");
    busy.get(10, TimeUnit.SECONDS);
    assertThat(pool.hasWaitingWork()).isFalse();
  }

  @Test
  void rethrowsTheWorksOwnFailure() {
    IOException failure = new IOException("boom");

    assertThatThrownBy(
            () ->
                pool.run(
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);
  }

  @Test
  void interruptingTheCallerInterruptsRunningWorkAndWaitsForItsEnd() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean workEnded = new AtomicBoolean();
    AtomicBoolean endedBeforeCallerReturned = new AtomicBoolean();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    pool.run(
                        () -> {
                          started.countDown();
                          try {
                            new CountDownLatch(1).await(); // until interrupted
                          } catch (InterruptedException e) {
                            long end = System.nanoTime() + 100_000_000L;
                            while (System.nanoTime() < end) {
                              Thread.onSpinWait(); // slow cleanup: the caller must wait for it
                            }
                            workEnded.set(true);
                            throw new InterruptedIOException("work interrupted");
                          }
                          return null;
                        });
                  } catch (Exception e) {
                    endedBeforeCallerReturned.set(workEnded.get());
                  }
                });
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    caller.interrupt();

    assertThat(caller.join(java.time.Duration.ofSeconds(5))).isTrue();
    assertThat(endedBeforeCallerReturned).isTrue();
  }

  @Test
  void aCallerInterruptedRightAfterAWorkerClaimedItsWorkStillInterruptsTheWork() throws Exception {
    AtomicReference<Thread> caller = new AtomicReference<>();
    // The seam runs on the worker between its claim of the work and the work itself: it interrupts
    // the caller there and waits until the caller has handled the interrupt and waits again.
    Runnable interruptTheCallerAfterTheClaim =
        () -> {
          Thread waiting = caller.get();
          waiting.interrupt();
          while (waiting.isInterrupted() || waiting.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
          }
        };
    AtomicBoolean workInterrupted = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (WorkerPool seamed = new WorkerPool(1, 1, interruptTheCallerAfterTheClaim)) {
      caller.set(
          Thread.ofPlatform()
              .unstarted(
                  () -> {
                    try {
                      seamed.run(
                          () -> {
                            try {
                              new CountDownLatch(1).await(5, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                              workInterrupted.set(true);
                              throw new InterruptedIOException("work interrupted");
                            }
                            return null;
                          });
                    } catch (IOException e) {
                      failure.set(e);
                    }
                  }));
      caller.get().start();
      caller.get().join();
    }

    assertThat(workInterrupted).as("the caller's interrupt reached the work").isTrue();
    assertThat(failure.get()).hasMessage("work interrupted");
  }

  @Test
  void workWithdrawnByAnInterruptedCallerNeverRuns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<Object> blocker = occupyTheOnlyWorker(release);
    AtomicBoolean ran = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    pool.run(() -> ran.getAndSet(true));
                  } catch (IOException e) {
                    failure.set(e);
                  }
                });
    await() // until the caller waits for its queued work
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> caller.getState() == Thread.State.WAITING);

    caller.interrupt();
    caller.join();
    release.countDown();
    blocker.get(5, TimeUnit.SECONDS);
    pool.run(() -> null); // the withdrawn work would have run before this

    assertThat(ran).isFalse();
    assertThat(failure.get())
        .isInstanceOf(InterruptedIOException.class)
        .hasMessage("interrupted before the work started on a worker");
  }

  @Test
  void anInterruptMeantForOneWorkDoesNotReachTheNext() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Thread caller =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    pool.run(
                        () -> {
                          started.countDown();
                          long end = System.nanoTime() + 200_000_000L;
                          while (System.nanoTime() < end) {
                            Thread.onSpinWait(); // ignores the interrupt
                          }
                          return null;
                        });
                  } catch (IOException e) {
                    throw new RuntimeException(e);
                  }
                });
    started.await();
    caller.interrupt();
    caller.join();

    assertThat(pool.run(() -> Thread.currentThread().isInterrupted())).isFalse();
  }

  @Test
  void closeStopsEveryWorkerAndRefusesNewWorkWithReasonShutdown() throws IOException {
    WorkerPool two = WorkerPool.of(2);
    Set<String> names = Set.of(two.run(() -> Thread.currentThread().getName()));
    assertThat(workerThreadNames()).containsAll(names);

    two.close();

    assertThat(two.isClosed()).isTrue();
    assertThat(workerThreadNames()).doesNotContainAnyElementsOf(names);
    assertThatThrownBy(() -> two.run(() -> null))
        .isInstanceOfSatisfying(
            CancelledException.class, e -> assertThat(e.reason()).isEqualTo(AbortReason.SHUTDOWN))
        .hasMessage("worker pool is closed: workers(2)");
  }

  @Test
  void workHandedToThePoolFromItsOwnWorkerRunsInPlace() throws IOException {
    WorkerPool single = WorkerPool.of(1, 1);
    try {
      Thread inner = single.run(() -> single.run(Thread::currentThread));
      assertThat(inner.getName()).startsWith("sluice-worker-");
    } finally {
      single.close();
    }
  }

  @Test
  void rejectsNonPositiveSizes() {
    assertThatThrownBy(() -> WorkerPool.of(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads must be > 0: 0");
    assertThatThrownBy(() -> WorkerPool.of(1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queueCapacity must be > 0: 0");
  }
}
