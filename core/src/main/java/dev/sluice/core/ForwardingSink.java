package dev.sluice.core;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@link Sink} that forwards everything to another sink; the base for transforms. Override {@link
 * #write} to observe or change the bytes, {@link #beforeCommit} to verify before the downstream
 * commits.
 */
public abstract class ForwardingSink implements Sink {

  /** The sink this one writes to. */
  protected final Sink downstream;

  protected ForwardingSink(Sink downstream) {
    if (downstream == null) {
      throw new NullPointerException("downstream == null");
    }
    this.downstream = downstream;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    downstream.write(chunk);
  }

  /**
   * Runs {@link #beforeCommit}, then commits downstream. If {@code beforeCommit} throws, the
   * downstream sink is aborted with that failure, so the chain still ends exactly once.
   */
  @Override
  public Receipt commit() throws IOException {
    try {
      beforeCommit();
    } catch (IOException | RuntimeException | Error e) {
      downstream.abort(e);
      throw e;
    }
    return downstream.commit();
  }

  /** Last chance to flush buffered output or to refuse the commit by throwing. */
  protected void beforeCommit() throws IOException {}

  @Override
  public void abort(Throwable cause) {
    downstream.abort(cause);
  }

  /** The name of this stage, e.g. {@code sha256}, as shown in pipeline descriptions. */
  protected abstract String name();

  @Override
  public String toString() {
    return name() + " → " + downstream;
  }
}
