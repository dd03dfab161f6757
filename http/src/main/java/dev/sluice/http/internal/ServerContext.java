package dev.sluice.http.internal;

import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionJob;
import dev.sluice.core.job.JobRegistry;
import dev.sluice.core.job.SchedulerLag;
import dev.sluice.core.job.ShuttingDownException;
import dev.sluice.core.job.TrackedTransfer;
import dev.sluice.core.job.WorkerPool;
import dev.sluice.http.ServerConfig;
import java.util.Map;

/**
 * What every handler shares: the configuration, meters, pacing, the job registry every upload and
 * download is listed in, the scheduler-lag probe, the worker pool uploads run on (null when they
 * run inline), admission control, and the cluster this server is a node of (null when it runs
 * alone, without {@code --coord}).
 */
public record ServerContext(
    ServerConfig config,
    ServerMetrics metrics,
    Throttle throttle,
    JobRegistry registry,
    SchedulerLag lag,
    WorkerPool workers,
    Admission admission,
    Cluster cluster) {

  /** The context of a server that runs alone. */
  public ServerContext(
      ServerConfig config,
      ServerMetrics metrics,
      Throttle throttle,
      JobRegistry registry,
      SchedulerLag lag,
      WorkerPool workers,
      Admission admission) {
    this(config, metrics, throttle, registry, lag, workers, admission, null);
  }

  /**
   * Lists a download in the registry until it is closed; a shutdown cancels it like an upload.
   *
   * @param attributes listed beside it: {@link TransferRow#attributes}
   * @throws HttpProblem 503 when the registry is shutting down
   */
  public TrackedTransfer track(
      Direction direction, String key, long expectedBytes, Map<String, String> attributes) {
    try {
      return registry.track(direction.kind(), key, expectedBytes, attributes);
    } catch (ShuttingDownException e) {
      throw shuttingDown(e);
    }
  }

  private static HttpProblem shuttingDown(ShuttingDownException e) {
    return new HttpProblem(
        503, "the server is shutting down: " + e.getMessage(), Map.of("Retry-After", "5"));
  }

  /**
   * Starts an upload's ingestion, tracked by the registry; its transforms and sink run on {@link
   * #workers} when there is a pool, and its chunks come from the memory the request was admitted
   * with.
   *
   * @throws HttpProblem 503 when the registry is shutting down
   */
  public IngestionJob start(Ingestion ingestion) {
    if (workers != null) {
      ingestion.offload(workers);
    }
    Admission.Ticket admitted = Admission.current();
    if (admitted != null && admitted.memory() != null) {
      ingestion.memory(admitted.memory());
    }
    try {
      return ingestion.registry(registry).schedulerLag(lag).start();
    } catch (ShuttingDownException e) {
      throw shuttingDown(e);
    }
  }
}
