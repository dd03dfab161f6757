package dev.sluice.core.job;

import java.time.Instant;

/**
 * One active job as a {@link JobRegistry} sees it at one moment, e.g. for a {@code /jobs} endpoint.
 *
 * @param id the job's process-unique id
 * @param pipeline the pipeline as text, e.g. {@code file(a.bin) → sha256 → file(b.bin)}
 * @param source the source as text
 * @param sink the sink as text
 * @param startedAt when the job started
 * @param bytesIn bytes read from the source so far
 * @param bytesOut bytes accepted by the final sink so far
 * @param expectedBytes the source's length when the job started, or -1 when unknown
 * @param bytesPerSecond the recent source rate: over the time between the last two looks at least a
 *     second apart, or since the start before that
 */
public record JobStatus(
    long id,
    String pipeline,
    String source,
    String sink,
    Instant startedAt,
    long bytesIn,
    long bytesOut,
    long expectedBytes,
    double bytesPerSecond) {}
