package dev.sluice.core.job;

/**
 * Observes an ingestion while it runs, e.g. a progress bar or a metrics registry. Callbacks run on
 * the engine's threads ({@code onChunk} on a worker's when the ingestion is offloaded), one at a
 * time per job, and must return quickly; they must not throw.
 */
public interface IngestionListener {

  /** The job has started; {@link IngestionJob#expectedBytes()} may say how much is coming. */
  default void onStart(IngestionJob job) {}

  /** The pipeline accepted a chunk of {@code bytes} source bytes in {@code writeNanos}. */
  default void onChunk(int bytes, long writeNanos) {}

  /** The job ended; the report says how. Called before the job's future completes. */
  default void onEnd(IngestionReport report) {}
}
