package dev.sluice.http.internal;

import dev.sluice.core.Ingestion;
import dev.sluice.core.IngestionJob;
import dev.sluice.http.ServerConfig;

/** What every handler shares: the configuration, the running transfers, meters and pacing. */
public record ServerContext(
    ServerConfig config, Transfers transfers, ServerMetrics metrics, Throttle throttle) {

  /** Starts an upload's ingestion (tracked for shutdown). */
  public IngestionJob start(Ingestion ingestion) {
    return ingestion.start();
  }
}
