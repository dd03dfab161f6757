package dev.sluice.http.internal;

import dev.sluice.core.AbortCause;
import dev.sluice.core.AbortReason;
import dev.sluice.core.ClientDisconnectedException;
import dev.sluice.core.InvalidInputException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;

/**
 * A request body cut off because it arrived slower than the minimum data rate ({@link
 * MinimumReadRate}) or stopped for the idle timeout: the transfer aborts with {@link
 * AbortReason#TIMEOUT} and the client, still connected, gets a 408 naming the rate or the wait.
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
   * What a request body's failure chunk means, as the exception the upload fails with (its message
   * names the body and how far it got, never a class name):
   *
   * <ul>
   *   <li>below the minimum data rate, or nothing for the idle timeout: this exception (408);
   *   <li>malformed framing Jetty refused (a bad chunk size, an oversized chunk extension or
   *       trailer): {@link InvalidInputException} (400);
   *   <li>anything else (the connection closed, the input ended before the Content-Length): {@link
   *       ClientDisconnectedException}, answered 400 if the client can still read.
   * </ul>
   *
   * @param what the body, e.g. {@code request body of PUT /objects/KEY}
   * @param bytesRead the body bytes read before the failure
   * @param declared the body's Content-Length, or -1 when it is chunked or unknown
   */
  static IOException bodyFailed(String what, long bytesRead, long declared, Throwable failure) {
    if (failure instanceof MinimumReadRate.TooSlow) {
      return new SlowClientException(
          what + " was cut off after " + bytesRead + " bytes: " + failure.getMessage(), failure);
    }
    if (failure instanceof TimeoutException) {
      return new SlowClientException(
          what
              + " stopped after "
              + bytesRead
              + " bytes"
              + of(declared)
              + ": nothing arrived for the idle timeout",
          failure);
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof EofException) {
        break; // the input ended: the client closed (or half-closed) its side
      }
      if (t instanceof HttpException bad) {
        String reason = bad.getReason() == null ? "malformed framing" : bad.getReason();
        if (reason.equalsIgnoreCase("Early EOF")) {
          break;
        }
        return new InvalidInputException(
            what + " is malformed after " + bytesRead + " bytes" + of(declared) + ": " + reason,
            failure);
      }
    }
    return new ClientDisconnectedException(
        what
            + " ended after "
            + bytesRead
            + " bytes"
            + of(declared)
            + ": the input ended (the client closed the connection)",
        failure);
  }

  private static String of(long declared) {
    return declared >= 0 ? " of the " + declared + " its Content-Length declared" : "";
  }
}
