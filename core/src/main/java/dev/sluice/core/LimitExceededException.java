package dev.sluice.core;

import java.io.IOException;

/** A stream went past a configured maximum; the message names the limit and its value. */
public final class LimitExceededException extends IOException implements AbortCause {

  private final String limit;
  private final long maximum;

  /**
   * @param limit what was limited, e.g. {@code "body size"}
   * @param maximum the configured maximum
   */
  public LimitExceededException(String limit, long maximum) {
    super(limit + " exceeds the limit of " + ByteSize.format(maximum) + " (" + maximum + ")");
    this.limit = limit;
    this.maximum = maximum;
  }

  /** What was limited, e.g. {@code "body size"}. */
  public String limit() {
    return limit;
  }

  /** The configured maximum. */
  public long maximum() {
    return maximum;
  }

  @Override
  public AbortReason reason() {
    return AbortReason.LIMIT_EXCEEDED;
  }
}
