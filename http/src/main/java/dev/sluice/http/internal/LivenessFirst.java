package dev.sluice.http.internal;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The server's front handler: answers {@code GET}/{@code HEAD /health} at once on the I/O thread
 * that parsed it, and hands every other request to a virtual thread for the blocking handlers
 * behind it.
 *
 * <p>Why: virtual threads share a few carrier threads in first-come order. Under a flood of
 * connections (issue 12's abuse run: 1,100 downloads and 300 uploads arriving together) a liveness
 * probe queued behind them answered after 0.4–1.3 s, long enough for a load balancer to take a
 * healthy node out. Answering it before any queue keeps liveness independent of load. A draining
 * server's {@code /health} still goes to the router, which answers 503. For the same reason such an
 * answer gets no access log line.
 *
 * <p>Thread-safe; stateless but for the constant answer.
 */
public final class LivenessFirst extends Handler.Wrapper {

  private static final byte[] OK = okBody();

  private final Executor blockingHandlers;
  private final BooleanSupplier draining;

  /**
   * @param blocking the handlers that may block (run on {@code blockingHandlers})
   * @param blockingHandlers runs them, normally on virtual threads
   * @param draining true once the server refuses new work: {@code /health} then goes to {@code
   *     blocking} too
   */
  public LivenessFirst(Handler blocking, Executor blockingHandlers, BooleanSupplier draining) {
    super(blocking);
    this.blockingHandlers = blockingHandlers;
    this.draining = draining;
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String method = request.getMethod();
    boolean probe =
        ("GET".equals(method) || "HEAD".equals(method))
            && "/health".equals(Request.getPathInContext(request))
            && !draining.getAsBoolean();
    if (probe) {
      AccessLog.skip(request); // nothing on this thread may wait on a log destination
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, OK.length);
      response.write(true, ByteBuffer.wrap("HEAD".equals(method) ? new byte[0] : OK), callback);
      return true;
    }
    blockingHandlers.execute(() -> handleBlocking(request, response, callback));
    return true;
  }

  private void handleBlocking(Request request, Response response, Callback callback) {
    try {
      if (!super.handle(request, response, callback)) {
        Response.writeError(request, response, callback, 404);
      }
    } catch (Throwable failure) {
      Response.writeError(request, response, callback, failure);
    }
  }

  private static byte[] okBody() {
    try {
      return Exchange.JSON.writeValueAsBytes(Map.of("status", "ok"));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write {\"status\":\"ok\"}", e);
    }
  }
}
