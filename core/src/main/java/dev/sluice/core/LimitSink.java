package dev.sluice.core;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Fails with {@link LimitExceededException} before passing on the byte that goes past the limit.
 */
final class LimitSink extends ForwardingSink {

  private final long maximum;
  private final String what;
  private long seen;

  public LimitSink(Sink downstream, long maximum, String what) {
    super(downstream);
    this.maximum = maximum;
    this.what = what;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (chunk.remaining() > maximum - seen) {
      throw new LimitExceededException(what, maximum);
    }
    seen += chunk.remaining();
    downstream.write(chunk);
  }

  @Override
  protected String name() {
    return "limit(" + maximum + ")";
  }
}
