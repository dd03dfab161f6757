package dev.sluice.core.testing;

import dev.sluice.core.AbortReason;
import dev.sluice.core.job.IngestionJob;
import dev.sluice.core.job.IngestionListener;

/**
 * A listener that cancels its job once the pipeline has accepted the {@code n}-th chunk: a cancel
 * at an exact point of the stream, raised on the engine's own writer thread.
 */
public final class CancellingListener implements IngestionListener {

  private final int atChunk;
  private volatile IngestionJob job;
  private int chunks;

  private CancellingListener(int atChunk) {
    this.atChunk = atChunk;
  }

  /** Cancels with {@link AbortReason#CANCELLED} after the {@code n}-th chunk (1-based). */
  public static CancellingListener atChunk(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1: " + n);
    }
    return new CancellingListener(n);
  }

  @Override
  public void onStart(IngestionJob job) {
    this.job = job;
  }

  @Override
  public void onChunk(int bytes, long writeNanos) {
    if (++chunks == atChunk) {
      job.cancel(AbortReason.CANCELLED);
    }
  }
}
