package dev.sluice.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.sluice.core.AbortReason;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.job.Outcome;

/** Assertions on how an ingestion ended. */
public final class IngestionAssertions {

  private IngestionAssertions() {}

  /**
   * Runs {@code ingestion}, asserts that it throws an {@link IngestionException} whose cause is
   * {@code rootCause} itself and whose report says aborted for {@code reason}, and returns it.
   */
  public static IngestionException assertAbortedBy(
      Ingestion ingestion, Throwable rootCause, AbortReason reason) {
    IngestionException thrown = assertAborted(ingestion, reason);
    assertThat(thrown.getCause()).as("root cause").isSameAs(rootCause);
    return thrown;
  }

  /**
   * Runs {@code ingestion}, asserts that it throws an {@link IngestionException} whose report says
   * aborted for {@code reason}, and returns it.
   */
  public static IngestionException assertAborted(Ingestion ingestion, AbortReason reason) {
    Throwable thrown = catchThrowable(ingestion::run);
    assertThat(thrown).as("what run() threw").isInstanceOf(IngestionException.class);
    IngestionException failure = (IngestionException) thrown;
    assertThat(failure.report().outcome()).isEqualTo(Outcome.ABORTED);
    assertThat(failure.reason()).as("abort reason of %s", failure).isEqualTo(reason);
    assertThat(failure.report().reason()).isEqualTo(reason);
    assertThat(failure.report().receipt()).isNull();
    return failure;
  }
}
