package dev.sluice.redis.internal;

import dev.sluice.core.ForwardingSink;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;

/** Closes a resource (the client a location opened) once the sink it wraps has ended. */
public final class ClosingSink extends ForwardingSink {

  private final AutoCloseable resource;

  public ClosingSink(Sink downstream, AutoCloseable resource) {
    super(downstream);
    this.resource = resource;
  }

  @Override
  public Receipt commit() throws IOException {
    try {
      return super.commit();
    } finally {
      closeQuietly();
    }
  }

  @Override
  public void abort(Throwable cause) {
    try {
      super.abort(cause);
    } finally {
      closeQuietly();
    }
  }

  private void closeQuietly() {
    try {
      resource.close();
    } catch (Exception ignored) {
      // the sink has ended; a failure to release the client changes nothing it promised
    }
  }

  @Override
  protected String name() {
    return "closing";
  }

  @Override
  public String toString() {
    return downstream.toString();
  }
}
