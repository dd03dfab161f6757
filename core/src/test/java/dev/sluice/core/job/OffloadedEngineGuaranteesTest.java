package dev.sluice.core.job;

import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import org.junit.jupiter.api.AfterAll;

/**
 * The engine's guarantees (exactly one ending, root cause, reasons, window, cancel, timeout) with
 * the transforms and the sink running on a worker pool.
 */
class OffloadedEngineGuaranteesTest extends EngineGuaranteesTest {

  private static final WorkerPool WORKERS = WorkerPool.of(2);

  @AfterAll
  static void closeWorkers() {
    WORKERS.close();
  }

  @Override
  Ingestion ingest(Source source, Sink sink) {
    return super.ingest(source, sink).offload(WORKERS);
  }
}
