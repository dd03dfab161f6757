package dev.sluice.core.job;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Receipt;
import java.time.Duration;
import java.util.Map;

/**
 * What happened in one ingestion, committed or not.
 *
 * @param pipeline the pipeline as text, e.g. {@code file(a.bin) → sha256 → file(b.bin)}
 * @param outcome committed or aborted
 * @param reason why it was aborted; {@code null} when committed
 * @param bytesIn bytes read from the source
 * @param bytesOut bytes accepted by the final sink (after transforms)
 * @param chunks chunks written to the first stage (for a zero-copy file transfer: its slices)
 * @param duration from start to the end of commit or abort
 * @param chunkWriteLatency time the pipeline took to accept each chunk from the reader (the leading
 *     digests and limits, which observe each chunk as it is read, are not in it; their time is in
 *     {@code stageTimes})
 * @param maxInFlight the most chunks read but not yet accepted by the sink at any moment
 * @param stageTimes time spent in each transform and in the sink, excluding the stages after it
 * @param digests hex digests by algorithm name, e.g. {@code sha256}
 * @param receipt the sink's receipt; {@code null} when aborted
 * @param schedulerLag how late virtual-thread wake-ups ran while the job ran, as measured by the
 *     probe given to {@link Ingestion#schedulerLag}; {@link Latency#NONE} without one
 */
public record IngestionReport(
    String pipeline,
    Outcome outcome,
    AbortReason reason,
    long bytesIn,
    long bytesOut,
    long chunks,
    Duration duration,
    Latency chunkWriteLatency,
    int maxInFlight,
    Map<String, Duration> stageTimes,
    Map<String, String> digests,
    Receipt receipt,
    Latency schedulerLag) {

  public IngestionReport {
    stageTimes = Map.copyOf(stageTimes);
    digests = Map.copyOf(digests);
    if (schedulerLag == null) {
      schedulerLag = Latency.NONE;
    }
  }

  /** A report without a scheduler-lag figure. */
  public IngestionReport(
      String pipeline,
      Outcome outcome,
      AbortReason reason,
      long bytesIn,
      long bytesOut,
      long chunks,
      Duration duration,
      Latency chunkWriteLatency,
      int maxInFlight,
      Map<String, Duration> stageTimes,
      Map<String, String> digests,
      Receipt receipt) {
    this(
        pipeline,
        outcome,
        reason,
        bytesIn,
        bytesOut,
        chunks,
        duration,
        chunkWriteLatency,
        maxInFlight,
        stageTimes,
        digests,
        receipt,
        Latency.NONE);
  }

  /** Throughput of the source side in MiB/s over the whole duration. */
  public double mibPerSecond() {
    double seconds = duration.toNanos() / 1e9;
    return seconds <= 0 ? 0 : bytesIn / (1024.0 * 1024.0) / seconds;
  }

  /** True when the sink committed. */
  public boolean committed() {
    return outcome == Outcome.COMMITTED;
  }
}
