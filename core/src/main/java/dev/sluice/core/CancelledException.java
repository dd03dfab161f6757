package dev.sluice.core;

import java.io.InterruptedIOException;

/** A transfer was stopped from outside: cancelled, timed out, shut down or disconnected. */
public final class CancelledException extends InterruptedIOException implements AbortCause {

  private final AbortReason reason;

  public CancelledException(AbortReason reason, String message) {
    super(message);
    if (reason == null) {
      throw new NullPointerException("reason == null");
    }
    this.reason = reason;
  }

  @Override
  public AbortReason reason() {
    return reason;
  }
}
