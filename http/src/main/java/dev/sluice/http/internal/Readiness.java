package dev.sluice.http.internal;

import dev.sluice.core.Secrets;
import dev.sluice.core.blob.BlobStore;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET}/{@code HEAD /health/ready}, the readiness probe: 200 when the store answers its cheap
 * check ({@link BlobStore#checkReady}) within {@link #TIMEOUT} and the server is not draining, else
 * 503. The JSON body names each check and its outcome, e.g. {@code {"status":"not ready","checks":
 * {"store":"failing","server":"ok"}}}; a node of a cluster also checks its coordination store
 * ({@code "coordination"}). Why a check failed goes to the log only (it may name a host or a path),
 * never to the client. Open to anyone, like {@code /health}. Every other request goes to the
 * handler behind.
 *
 * <p>Runs on the request's virtual thread; the store's check runs on its own virtual thread so a
 * hung store answers "timed out" instead of holding the probe. Thread-safe.
 */
public final class Readiness extends Handler.Wrapper {

  /** The longest a store's check may take before the server counts as not ready. */
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);
  private static final String PATH = "/health/ready";

  private final BlobStore store;
  private final Cluster cluster; // null for a server alone
  private final BooleanSupplier draining;
  private final Executor checks;

  /**
   * @param cluster the cluster this server is a node of, whose coordination store is checked too;
   *     null for a server alone
   */
  public Readiness(
      Handler next, BlobStore store, Cluster cluster, BooleanSupplier draining, Executor checks) {
    super(next);
    this.store = store;
    this.cluster = cluster;
    this.draining = draining;
    this.checks = checks;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!PATH.equals(Request.getPathInContext(request))) {
      return super.handle(request, response, callback);
    }
    String method = request.getMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      return super.handle(request, response, callback); // the router's 405
    }
    Map<String, String> results = new LinkedHashMap<>();
    results.put("store", check("the store", store::checkReady));
    if (cluster != null) {
      results.put("coordination", check("the coordination store", this::checkCoordination));
    }
    results.put("server", draining.getAsBoolean() ? "draining" : "ok");
    boolean ready = results.values().stream().allMatch("ok"::equals);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", ready ? "ready" : "not ready");
    body.put("checks", results);
    byte[] bytes = Exchange.JSON.writeValueAsBytes(body);
    response.setStatus(ready ? 200 : 503);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    response.write(true, ByteBuffer.wrap("HEAD".equals(method) ? new byte[0] : bytes), callback);
    return true;
  }

  private void checkCoordination() throws java.io.IOException {
    dev.sluice.coord.Probe probe = cluster.probe();
    if (!probe.reachable()) {
      throw new java.io.IOException(probe.problem());
    }
  }

  /** One check that may fail with an {@link java.io.IOException}. */
  private interface Check {
    void run() throws java.io.IOException;
  }

  /**
   * "ok", "failing" or "timed out" for {@code what}; the cause of a failure is logged, not
   * answered.
   */
  private String check(String what, Check readiness) {
    CompletableFuture<Void> check =
        CompletableFuture.runAsync(
            () -> {
              try {
                readiness.run();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            },
            checks);
    try {
      check.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return "ok";
    } catch (TimeoutException e) {
      check.cancel(true);
      LOG.warn("not ready: {}'s check took longer than {} s", what, TIMEOUT.toSeconds());
      return "timed out";
    } catch (ExecutionException e) {
      Throwable cause =
          e.getCause() instanceof java.io.UncheckedIOException u ? u.getCause() : e.getCause();
      LOG.warn("not ready: {}: {}", what, Secrets.redact(String.valueOf(cause.getMessage())));
      return "failing";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }
}
