package dev.sluice.core.job;

import dev.sluice.core.AbortReason;
import java.time.Instant;
import java.util.concurrent.Future;

/**
 * A running ingestion. As a {@link Future} it completes with the report when the sink committed, or
 * exceptionally with an {@link IngestionException} when it was aborted.
 */
public interface IngestionJob extends Future<IngestionReport> {

  /** A process-unique id. */
  long id();

  /** The pipeline as text, e.g. {@code file(a.bin) → sha256 → file(b.bin)}. */
  String pipeline();

  /** When the job started. */
  Instant startedAt();

  /** Bytes read from the source so far. */
  long bytesIn();

  /** Bytes accepted by the final sink so far. */
  long bytesOut();

  /** The source's length, or -1 when unknown. */
  long expectedBytes();

  /**
   * Stops the job: the sink is aborted with {@code reason} unless it is already committing. Returns
   * promptly; the job ends as soon as the blocked source or sink call returns. Idempotent.
   *
   * @return true if this call stopped the job, false if it had already ended or been stopped
   */
  boolean cancel(AbortReason reason);

  /** Cancels with {@link AbortReason#CANCELLED}. */
  @Override
  default boolean cancel(boolean mayInterruptIfRunning) {
    return cancel(AbortReason.CANCELLED);
  }
}
