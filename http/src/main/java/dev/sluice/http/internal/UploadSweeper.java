package dev.sluice.http.internal;

import dev.sluice.coord.CoordinationException;
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
 * expiry (between 1 second and 1 minute), and counts the incomplete ones for {@code /metrics}. In a
 * cluster each period's sweep runs on one node only, the one that {@linkplain
 * dev.sluice.coord.Coordination#claimSweep claims} it (the others only count); without an answer
 * from the coordination store nobody sweeps. Each upload is cancelled under its lease, and one a
 * request holds is left for a later sweep. Owns its thread: {@link #close} stops it.
 */
public final class UploadSweeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(UploadSweeper.class);

  /** The name of the sweep claimed once per period in the cluster. */
  static final String SWEEP = "upload-expiry";

  private final UploadStore uploads;
  private final ResumableUploads resumable;
  private final UploadLeases leases;
  private final ServerMetrics metrics;
  private final Clock clock;
  private final Cluster cluster; // null for a server alone
  private final Duration period;
  private final ScheduledExecutorService thread;
  private volatile int inProgress;

  private UploadSweeper(
      ResumableUploads resumable,
      ServerMetrics metrics,
      Clock clock,
      Cluster cluster,
      Duration period) {
    this.uploads = resumable.store();
    this.resumable = resumable;
    this.leases = resumable.leases();
    this.metrics = metrics;
    this.clock = clock;
    this.cluster = cluster;
    this.period = period;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sluice-upload-sweeper").factory());
  }

  /**
   * Starts sweeping the uploads of {@code resumable}, publishing its gauges; {@code cluster} (null
   * for a server alone) decides which node sweeps each period.
   */
  public static UploadSweeper start(
      ResumableUploads resumable,
      ServerMetrics metrics,
      Duration expiry,
      Clock clock,
      Cluster cluster) {
    Duration period = Duration.ofMillis(Math.clamp(expiry.toMillis() / 10, 1000, 60_000));
    UploadSweeper sweeper = new UploadSweeper(resumable, metrics, clock, cluster, period);
    metrics.resumableUploads(() -> sweeper.inProgress, resumable::appending);
    sweeper.thread.scheduleWithFixedDelay(
        sweeper::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return sweeper;
  }

  /** Cancels every expired upload now; returns how many incomplete ones expired. */
  public synchronized int sweep() throws java.io.IOException {
    return pass(true);
  }

  /** One period: sweeps if this node claims the period, else only counts. */
  private void tick() {
    try {
      boolean claimed = claim();
      if (claimed) {
        metrics.uploadSweep();
      }
      synchronized (this) {
        pass(claimed);
      }
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warn("sweeping expired uploads failed (the next sweep tries again): {}", e.toString());
    }
  }

  private boolean claim() {
    if (cluster == null) {
      return true;
    }
    try {
      return cluster.coordination().claimSweep(SWEEP, period);
    } catch (CoordinationException e) {
      LOG.debug("no upload sweep this period: {}", e.getMessage());
      return false;
    }
  }

  /** Counts the incomplete uploads and, when {@code cancel}, cancels the expired ones. */
  private int pass(boolean cancel) throws java.io.IOException {
    Instant now = clock.instant();
    int expired = 0;
    int incomplete = 0;
    for (Upload upload : uploads.list()) {
      if (upload.expiredAt(now)) {
        if (cancel && cancelExpired(upload)) {
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

  /** Cancels {@code upload} under its lease; false if a request holds it or it was gone. */
  private boolean cancelExpired(Upload upload) throws java.io.IOException {
    try (UploadHold hold = leases.holdIfFree(upload.id())) {
      if (hold == null) {
        return false;
      }
      resumable.discardStaged(upload);
      return uploads.cancel(upload.id()) && !upload.complete();
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
