package dev.sluice.core.job;

import dev.sluice.core.AbortCause;
import dev.sluice.core.AbortReason;
import java.io.IOException;

/**
 * An ingestion was aborted. {@link #getCause()} is the first failure (the root cause), with later
 * failures attached to it as suppressed; {@link #report()} says what happened.
 */
public final class IngestionException extends IOException implements AbortCause {

  private final transient IngestionReport report;

  public IngestionException(IngestionReport report, Throwable rootCause) {
    super(report.reason() + ": " + describe(rootCause), rootCause);
    this.report = report;
  }

  private static String describe(Throwable cause) {
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }

  /** The report of the aborted ingestion. */
  public IngestionReport report() {
    return report;
  }

  @Override
  public AbortReason reason() {
    return report.reason();
  }
}
