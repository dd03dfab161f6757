package dev.sluice.http.internal;

import dev.sluice.core.AbortCause;
import dev.sluice.core.AbortReason;
import dev.sluice.core.ClientDisconnectedException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * A request body cut off because it arrived slower than the minimum data rate ({@link
 * MinimumReadRate}): the transfer aborts with {@link AbortReason#TIMEOUT} and the client, still
 * connected, gets a 408 naming the rate.
 */
public final class SlowClientException extends IOException implements AbortCause {

  private static final long serialVersionUID = 1L;

  SlowClientException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public AbortReason reason() {
    return AbortReason.TIMEOUT;
  }

  /**
   * What a request body's failure chunk means: too slow a client, or one that went away (closed the
   * connection, or sent nothing for the idle timeout).
   *
   * @param what the body, e.g. {@code request body of PUT /objects/KEY}
   * @param bytesRead the body bytes read before the failure
   */
  static IOException bodyFailed(String what, long bytesRead, Throwable failure) {
    if (failure instanceof MinimumReadRate.TooSlow) {
      return new SlowClientException(
          what + " was cut off after " + bytesRead + " bytes: " + failure.getMessage(), failure);
    }
    String why =
        failure instanceof TimeoutException
            ? "idle timeout"
            : failure.getMessage() == null
                ? failure.getClass().getSimpleName()
                : failure.getMessage();
    return new ClientDisconnectedException(
        "client went away after " + bytesRead + " bytes of " + what + " (" + why + ")", failure);
  }
}
