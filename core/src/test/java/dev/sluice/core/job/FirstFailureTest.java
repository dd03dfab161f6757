package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.AbortReason;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FirstFailureTest {

  private final AtomicInteger stops = new AtomicInteger();
  private final FirstFailure failures = new FirstFailure(stops::incrementAndGet);

  @Test
  void theFirstFailureWinsAndLaterOnesAreAttachedToItOnce() {
    IOException first = new IOException("sink full");
    IOException second = new IOException("source closed");

    failures.record(first, AbortReason.SINK_FAILED);
    failures.record(second, AbortReason.SOURCE_FAILED);
    failures.record(second, AbortReason.SOURCE_FAILED);
    failures.record(first, AbortReason.SINK_FAILED);

    assertThat(failures.cause()).isSameAs(first);
    assertThat(failures.reason()).isEqualTo(AbortReason.SINK_FAILED);
    assertThat(first.getSuppressed()).containsExactly(second);
    assertThat(stops).as("the job is stopped once").hasValue(1);
  }

  @Test
  void anInterruptionAfterTheRootCauseIsTheJobsOwnDoingNotNews() {
    IOException first = new IOException("sink full");
    failures.record(first, AbortReason.SINK_FAILED);

    failures.record(new InterruptedIOException(), AbortReason.SOURCE_FAILED);
    failures.record(new InterruptedException(), AbortReason.SOURCE_FAILED);

    assertThat(first.getSuppressed()).isEmpty();
  }

  @Test
  void aCancelWinsOnlyBeforeAnyFailureAndBeforeTheCommitBegan() {
    IOException late = new IOException("cancelled late");
    assertThat(failures.beginCommit()).isTrue();

    assertThat(failures.cancel(late, AbortReason.TIMEOUT)).isFalse();
    assertThat(failures.hasFailed()).isFalse();
    assertThat(stops).hasValue(0);

    FirstFailure other = new FirstFailure(stops::incrementAndGet);
    IOException cancel = new IOException("cancelled");
    assertThat(other.cancel(cancel, AbortReason.CANCELLED)).isTrue();
    assertThat(other.cancel(new IOException("again"), AbortReason.CANCELLED)).isFalse();
    assertThat(other.beginCommit()).as("a job that failed does not commit").isFalse();
    assertThat(other.cause()).isSameAs(cancel);
  }

  @Test
  void aFailureDuringTheCommitIsStillRecorded() {
    assertThat(failures.beginCommit()).isTrue();
    IOException commit = new IOException("commit failed");

    failures.record(commit, AbortReason.SINK_FAILED);

    assertThat(failures.cause()).isSameAs(commit);
    assertThat(failures.isCommitting()).isTrue();
  }
}
