package dev.sluice.core.job;

import dev.sluice.core.AbortCause;
import dev.sluice.core.AbortReason;
import java.io.IOException;

/**
 * A transfer could not get the memory for its buffers: its {@link MemoryBudget.Reservation} had no
 * room left, or the JVM had no direct memory left. The transfer is aborted with {@link
 * AbortReason#LIMIT_EXCEEDED}; a server answers {@code 503} with {@code Retry-After}: it is a
 * momentary shortage, not the client's fault.
 */
public final class MemoryExhaustedException extends IOException implements AbortCause {

  public MemoryExhaustedException(String message) {
    super(message);
  }

  @Override
  public AbortReason reason() {
    return AbortReason.LIMIT_EXCEEDED;
  }
}
