package dev.sluice.http.internal;

import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes expired resumable uploads (their staging data with them, and the staged object of an
 * upload to a target that a killed server left behind) on one daemon thread, every tenth of the
 * expiry (between 1 second and 1 minute), and counts the incomplete ones for {@code /metrics}. Owns
 * its thread: {@link #close} stops it.
 */
public final class UploadSweeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UploadSweeper.class);

  private final UploadStore uploads;
  private final ResumableUploads resumable;
  private final ServerMetrics metrics;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private volatile int inProgress;

  private UploadSweeper(ResumableUploads resumable, ServerMetrics metrics, Clock clock) {
    this.uploads = resumable.store();
    this.resumable = resumable;
    this.metrics = metrics;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sluice-upload-sweeper").factory());
  }

  /** Starts sweeping the uploads of {@code resumable}, publishing its gauges. */
  public static UploadSweeper start(
      ResumableUploads resumable, ServerMetrics metrics, Duration expiry, Clock clock) {
    UploadSweeper sweeper = new UploadSweeper(resumable, metrics, clock);
    metrics.resumableUploads(() -> sweeper.inProgress, resumable::appending);
    long period = Math.clamp(expiry.toMillis() / 10, 1000, 60_000);
    sweeper.thread.scheduleWithFixedDelay(sweeper::sweepQuietly, 0, period, TimeUnit.MILLISECONDS);
    return sweeper;
  }

  /** Cancels every expired upload now; returns how many incomplete ones expired. */
  public synchronized int sweep() throws java.io.IOException {
    Instant now = clock.instant();
    int expired = 0;
    int incomplete = 0;
    for (Upload upload : uploads.list()) {
      if (upload.expiredAt(now)) {
        resumable.discardStaged(upload);
        if (uploads.cancel(upload.id()) && !upload.complete()) {
          expired++;
          metrics.resumableUpload("expired");
        }
      } else if (!upload.complete()) {
        incomplete++;
      }
    }
    inProgress = incomplete;
    return expired;
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warn("sweeping expired uploads failed (the next sweep tries again): {}", e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
