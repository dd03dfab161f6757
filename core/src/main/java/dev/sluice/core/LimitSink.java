package dev.sluice.core;

import java.nio.ByteBuffer;

/**
 * Fails with {@link LimitExceededException} before passing on the byte that goes past the limit.
 */
final class LimitSink extends ObservingSink {

  private final long maximum;
  private final String what;
  private long seen;

  public LimitSink(Sink downstream, long maximum, String what) {
    super(downstream);
    this.maximum = maximum;
    this.what = what;
  }

  @Override
  public void observe(ByteBuffer bytes) throws LimitExceededException {
    if (bytes.remaining() > maximum - seen) {
      throw new LimitExceededException(what, maximum);
    }
    seen += bytes.remaining();
  }

  @Override
  protected String name() {
    return "limit(" + maximum + ")";
  }
}
