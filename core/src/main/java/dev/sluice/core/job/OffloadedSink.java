package dev.sluice.core.job;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Runs the writes and the commit of a pipeline on a {@link WorkerPool} while the calling virtual
 * thread parks. Each call waits for its work, so the pipeline never holds a chunk after {@code
 * write} returns, sees one call at a time in order, and is never running when {@code abort} is
 * called (which runs on the caller: it is cleanup, not CPU work).
 */
final class OffloadedSink implements Sink {

  private final Sink pipeline;
  private final WorkerPool pool;

  OffloadedSink(Sink pipeline, WorkerPool pool) {
    this.pipeline = pipeline;
    this.pool = pool;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    pool.run(
        () -> {
          pipeline.write(chunk);
          return null;
        });
  }

  @Override
  public Receipt commit() throws IOException {
    return pool.run(pipeline::commit);
  }

  @Override
  public void abort(Throwable cause) {
    pipeline.abort(cause);
  }

  @Override
  public String toString() {
    return pipeline + " on " + pool;
  }
}
