package dev.sluice.core.blob;

import java.io.IOException;

/**
 * A store could not take an operation now, and did nothing: its connections were all busy for as
 * long as it waits for one, or the service behind it did not answer. A momentary shortage, not the
 * caller's fault (HTTP: 503 with {@code Retry-After}). The message names no location; the cause
 * holds the detail for the log.
 */
public final class StoreUnavailableException extends IOException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code e} if it is one, else the first of its causes that is, or null. */
  public static StoreUnavailableException in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StoreUnavailableException unavailable) {
        return unavailable;
      }
    }
    return null;
  }
}
