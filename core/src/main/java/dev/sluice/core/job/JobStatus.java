package dev.sluice.core.job;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One running job or tracked transfer as a {@link JobRegistry} sees it at one moment, e.g. for a
 * {@code /jobs} endpoint.
 *
 * @param id the process-unique id ({@link IngestionJob#id()} for an ingestion)
 * @param kind what it is, e.g. {@code upload} or {@code download}; {@code ingestion} unless {@link
 *     Ingestion#listedAs} or {@link JobRegistry#track} said otherwise
 * @param name what it moves, e.g. an object's key; by default an ingestion's sink as text
 * @param pipeline the pipeline as text, e.g. {@code file(a.bin) → sha256 → file(b.bin)}
 * @param startedAt when it started
 * @param elapsed how long it has run
 * @param bytesIn bytes read from the source so far
 * @param bytesOut bytes accepted by the final sink so far (a tracked transfer counts one number,
 *     reported as both)
 * @param expectedBytes the source's length when it started, or -1 when unknown
 * @param bytesPerSecond the recent source rate: over the time between the last two looks at least a
 *     second apart, or since the start before that
 * @param offloaded true when an ingestion's transforms and sink run on a {@link WorkerPool} ({@link
 *     Ingestion#offload}); false for a tracked transfer
 * @param attributes what its caller said of it when it started ({@link Ingestion#listedAs(String,
 *     String, Map)}, {@link JobRegistry#track(String, String, long, Map)}), e.g. a client's
 *     address; empty by default, never null
 */
public record JobStatus(
    long id,
    String kind,
    String name,
    String pipeline,
    Instant startedAt,
    Duration elapsed,
    long bytesIn,
    long bytesOut,
    long expectedBytes,
    double bytesPerSecond,
    boolean offloaded,
    Map<String, String> attributes) {

  public JobStatus {
    attributes = Map.copyOf(attributes);
  }
}
