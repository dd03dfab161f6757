package dev.sluice.http.internal;

import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Cuts off request bodies that arrive slower than a minimum rate (slow-drip clients), counting each
 * request's own body bytes. The rate is checked only when the handler is about to wait for more
 * body, once {@link #GRACE_NANOS} have passed since it first asked for the body: a handler slower
 * than the network is never blamed on the client. A body found too slow reads as a failure chunk
 * holding a {@link TooSlow}.
 *
 * <p>Jetty's own {@code MinimumDataRateHandler} is not used: it divides the bytes its statistics
 * have counted over all requests by the time of one, so a server that has received a few gigabytes
 * lets any slow client through.
 */
public final class MinimumReadRate extends Handler.Wrapper {

  /** Time a body gets before its rate counts, so a short or slow-starting body is not cut. */
  static final long GRACE_NANOS = 2_000_000_000L;

  private final long bytesPerSecond;

  /** Wraps {@code handler}; {@code bytesPerSecond} 0 checks nothing. */
  public MinimumReadRate(Handler handler, long bytesPerSecond) {
    super(handler);
    this.bytesPerSecond = bytesPerSecond;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    return super.handle(bytesPerSecond > 0 ? new Checked(request) : request, response, callback);
  }

  /** Why a body was cut off: it arrived slower than the minimum data rate. */
  public static final class TooSlow extends TimeoutException {
    private static final long serialVersionUID = 1L;

    TooSlow(String message) {
      super(message);
    }
  }

  private final class Checked extends Request.Wrapper {
    // read() and demand() are called by one thread at a time (Content.Source's contract)
    private long start; // nanoTime of the first read or demand; 0 before
    private long bytesRead;
    private Content.Chunk tooSlow;

    Checked(Request request) {
      super(request);
    }

    @Override
    public Content.Chunk read() {
      started();
      if (tooSlow != null) {
        return tooSlow;
      }
      Content.Chunk chunk = super.read();
      if (chunk != null && !Content.Chunk.isFailure(chunk)) {
        bytesRead += chunk.remaining();
      }
      return chunk;
    }

    @Override
    public void demand(Runnable ready) {
      long now = started();
      long elapsed = now - start;
      if (tooSlow == null && elapsed >= GRACE_NANOS) {
        double rate = bytesRead * 1e9 / elapsed;
        if (rate < bytesPerSecond) {
          tooSlow =
              Content.Chunk.from(
                  new TooSlow(
                      String.format(
                          Locale.ROOT,
                          "the body arrived at %.0f bytes/s (%d bytes in %.1f s), below the"
                              + " minimum data rate of %d bytes/s",
                          rate,
                          bytesRead,
                          elapsed / 1e9,
                          bytesPerSecond)));
        }
      }
      if (tooSlow != null) {
        ready.run();
        return;
      }
      super.demand(ready);
    }

    private long started() {
      long now = System.nanoTime();
      if (start == 0) {
        start = now == 0 ? 1 : now;
      }
      return now;
    }
  }
}
