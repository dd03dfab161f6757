package dev.sluice.http.internal;

import dev.sluice.core.AbortReason;
import dev.sluice.core.ClientDisconnectedException;
import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Secrets;
import dev.sluice.core.blob.StoreUnavailableException;
import dev.sluice.core.job.IngestionException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every request on its virtual thread: the shutdown gate (503), authentication, then {@code
 * /objects}, {@code /health}, {@code /metrics}, {@code /jobs}, the dashboard and any extra routes.
 * Each handler blocks until its response is complete; problems become JSON errors.
 *
 * <p>What a failure answers: a problem its status and message; a malformed body 400 and one that
 * stalled 408 (with {@code Connection: close}); a client that ended its body early 400, if it can
 * still read; anything else a 500 saying only "internal error" and an id, logged with the details
 * (credentials masked). No answer ever carries an exception's class name or a server path.
 */
public final class Router extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  /** An extra route: requests whose path starts with {@code prefix} go to {@code handler}. */
  public record Extra(String prefix, Request.Handler handler) {}

  private static final Map<String, String> CLOSE = Map.of("Connection", "close");

  private final ServerContext context;
  private final Auth auth;
  private final Keys keys;
  private final Uploads uploads;
  private final Deliveries deliveries;
  private final ResumableUploads resumable; // null when the store keeps no resumable uploads
  private final List<Extra> extras;
  private final Dashboard dashboard;
  private volatile boolean draining;

  public Router(
      ServerContext context,
      Auth auth,
      Keys keys,
      Uploads uploads,
      Deliveries deliveries,
      ResumableUploads resumable,
      List<Extra> extras) {
    super(InvocationType.BLOCKING);
    this.context = context;
    this.auth = auth;
    this.keys = keys;
    this.uploads = uploads;
    this.deliveries = deliveries;
    this.resumable = resumable;
    this.extras = List.copyOf(extras);
    this.dashboard = new Dashboard(context);
  }

  /** From now on every request but {@code /metrics} gets 503. */
  public void drain() {
    draining = true;
  }

  /** True once {@link #drain()} was called. */
  public boolean draining() {
    return draining;
  }

  @Override
  @SuppressWarnings("try") // the admission ticket is held while the request runs
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Exchange exchange = new Exchange(request, response, callback);
    try (Admission.Ticket admitted = admit(exchange)) { // 401, 503 or go
      route(exchange);
    } catch (HttpProblem problem) {
      answer(exchange, problem);
    } catch (SlowClientException e) {
      answer(exchange, Uploads.tooSlow(e.getMessage()));
    } catch (InvalidInputException e) {
      answer(exchange, new HttpProblem(400, e.getMessage(), CLOSE));
    } catch (ClientDisconnectedException e) {
      clientGone(exchange, e.getMessage());
    } catch (IngestionException e) {
      if (e.reason() == AbortReason.CLIENT_DISCONNECT) {
        clientGone(
            exchange,
            e.getCause() instanceof ClientDisconnectedException gone
                ? gone.getMessage()
                : "the request body ended early; nothing was stored");
      } else {
        answer(exchange, failed(exchange, e));
      }
    } catch (Exception e) {
      if (e instanceof HttpException bad && bad.getCode() >= 400 && bad.getCode() < 500) {
        // Jetty refused part of the request (e.g. a malformed query string) as it was read
        String reason = bad.getReason() == null ? "malformed request" : bad.getReason();
        answer(exchange, new HttpProblem(bad.getCode(), reason + " in " + exchange.path()));
      } else {
        answer(exchange, failed(exchange, e));
      }
    }
    return true;
  }

  /**
   * The answer to a request that failed on the server's side: 503 with {@code Retry-After} when the
   * store could not take it now (its detail logged, not quoted), else a logged 500.
   */
  private static HttpProblem failed(Exchange exchange, Exception e) {
    StoreUnavailableException unavailable = StoreUnavailableException.in(e);
    if (unavailable == null) {
      return internalError(exchange, e.toString(), e);
    }
    Throwable detail = unavailable.getCause() == null ? unavailable : unavailable.getCause();
    LOG.warn(
        "{} {} refused with 503: {}: {}",
        exchange.method(),
        exchange.path(),
        unavailable.getMessage(),
        Secrets.redact(String.valueOf(detail.getMessage())));
    return new HttpProblem(503, unavailable.getMessage() + "; retry", Map.of("Retry-After", "1"));
  }

  /**
   * Admits a request that carries a body (503 when it cannot be), after it has shown the token:
   * every route that takes a body needs it, and a request without one must not wait for, or hold,
   * an upload's memory and slots, or a flood of them would turn away the uploads that have it.
   */
  private Admission.Ticket admit(Exchange exchange) {
    if (Admission.carriesBody(exchange.method())) {
      auth.requireToken(exchange);
    }
    return context.admission().admitBody(exchange);
  }

  /** The client went away or ended its body early: if it can still read, it learns why. */
  private void clientGone(Exchange exchange, String why) {
    LOG.debug("{} {}: {}", exchange.method(), exchange.path(), why);
    answer(exchange, new HttpProblem(400, why, CLOSE));
  }

  /**
   * The answer to a failure the server did not expect: a 500 whose body says only that, with an id
   * the log line (which has the details) carries too. Neither a class name nor a server path (nor
   * anything else an exception may hold) ever reaches the client.
   */
  private static HttpProblem internalError(Exchange exchange, String detail, Throwable cause) {
    byte[] random = new byte[6];
    ThreadLocalRandom.current().nextBytes(random);
    String id = HexFormat.of().formatHex(random);
    LOG.warn(
        "{} {} failed (error id {}): {}",
        exchange.method(),
        exchange.path(),
        id,
        Secrets.redact(cause == null ? detail : stackTrace(cause)));
    return new HttpProblem(500, "internal error (error id " + id + ")");
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  private void answer(Exchange exchange, HttpProblem problem) {
    if (problem.status() >= 500 && problem.status() != 503 && problem.status() != 507) {
      // a handler's own 500 may quote a store's exception: keep that for the log
      problem = internalError(exchange, problem.getMessage(), null);
    }
    if (exchange.response().isCommitted()) {
      exchange.fail(problem);
      return;
    }
    try {
      exchange.response().getHeaders().remove("Content-Encoding");
      if (problem.status() == 408 || (problem.status() == 503 && problem.report() == null)) {
        exchange.respond(problem); // refused before reading, or a stalled body: close after it
      } else {
        // a 503 with a report refused a transfer that had read some of the body (its store had no
        // memory for it): the client, still sending, reads the answer rather than a reset
        exchange.respondThenDiscardBody(problem);
      }
    } catch (IOException e) {
      exchange.fail(e);
    }
  }

  private void route(Exchange exchange) throws Exception {
    String path = exchange.path();
    String method = exchange.method();
    if (draining && !path.equals("/metrics")) {
      throw new HttpProblem(
          503, "the server is shutting down", Map.of("Retry-After", "5", "Connection", "close"));
    }
    if (resumable != null && path.startsWith(ResumableUploads.PATH)) {
      routeUpload(exchange, path.substring(ResumableUploads.PATH.length()));
      return;
    }
    if (path.startsWith(ObjectPaths.PREFIX)) {
      String key = keys.fromPath(exchange.rawPath());
      if (resumable != null && resumableAt(exchange, () -> resumable.create(exchange, key))) {
        return;
      }
      switch (method) {
        case "GET", "HEAD" -> {
          auth.requireRead(exchange, key);
          deliveries.get(exchange, key);
        }
        case "PUT" -> {
          auth.requireToken(exchange);
          uploads.put(exchange, key);
        }
        case "DELETE" -> {
          auth.requireToken(exchange);
          deliveries.delete(exchange, key);
        }
        default -> throw notAllowed(method, path, "GET, HEAD, PUT, DELETE");
      }
      return;
    }
    if (path.startsWith("/jobs/")) {
      if (!method.equals("DELETE")) {
        throw notAllowed(method, path, "DELETE");
      }
      auth.requireToken(exchange); // cancelling is a write
      dashboard.cancel(exchange, path.substring("/jobs/".length()));
      return;
    }
    switch (path) {
      case "/", "/dashboard", "/dashboard/" -> {
        requireGet(method, path);
        dashboard.page(exchange); // open: the page holds no data
      }
      case "/dashboard/data" -> {
        requireGet(method, path);
        auth.requireToken(exchange);
        dashboard.data(exchange);
      }
      case "/objects", "/objects/" -> {
        if (method.equals("GET") || method.equals("HEAD")) {
          auth.requireToken(exchange); // a listing names every key: a signed link is for one
          deliveries.list(exchange);
          return;
        }
        if (!method.equals("POST")) {
          throw notAllowed(method, path, "GET, HEAD, POST");
        }
        auth.requireToken(exchange);
        String prefix = exchange.query("prefix");
        if (prefix != null && !prefix.isEmpty()) {
          keys.validate(prefix.endsWith("/") ? prefix + "x" : prefix);
        }
        var stored = new MultipartUpload(uploads, exchange, prefix, keys).run();
        exchange.respond(201, Map.of("objects", stored));
      }
      case "/health" -> {
        requireGet(method, path);
        exchange.respond(200, health());
      }
      case "/metrics" -> {
        requireGet(method, path);
        exchange.respondText(
            200, "text/plain; version=0.0.4; charset=utf-8", context.metrics().scrape());
      }
      case "/jobs" -> {
        requireGet(method, path);
        auth.requireToken(exchange);
        exchange.respond(200, Cluster.jobs(context, exchange.query("scope")));
      }
      default -> {
        UploadTarget target = resumable == null ? null : resumable.targetOf(path).orElse(null);
        if (target != null && resumableAt(exchange, () -> resumable.create(exchange, target))) {
          return;
        }
        for (Extra extra : extras) {
          if (path.startsWith(extra.prefix())) {
            auth.requireToken(exchange);
            if (!extra
                .handler()
                .handle(exchange.request(), exchange.response(), callbackOf(exchange))) {
              throw new HttpProblem(404, "no route for " + method + " " + path);
            }
            return;
          }
        }
        throw new HttpProblem(404, "no route for " + method + " " + path);
      }
    }
  }

  /** Creates a resumable upload at the URL a request was sent to. */
  private interface Creation {
    void create() throws Exception;
  }

  /**
   * The resumable-upload requests at an upload's target URL ({@code /objects/KEY}, {@code
   * /tables/TABLE}): {@code OPTIONS} (what both protocols advertise) and a creation (a POST or PUT
   * with either protocol's headers, which needs the token). False, having done nothing, for any
   * other request.
   */
  private boolean resumableAt(Exchange exchange, Creation creation) throws Exception {
    String method = exchange.method();
    if (method.equals("OPTIONS")) {
      resumable.options(exchange);
      return true;
    }
    if ((method.equals("POST") || method.equals("PUT")) && UploadProtocol.isCreation(exchange)) {
      auth.requireToken(exchange);
      creation.create();
      return true;
    }
    return false;
  }

  /** {@code /uploads/ID}: a resumable upload's resource (tus 1.0 or the IETF draft). */
  private void routeUpload(Exchange exchange, String id) throws Exception {
    String method = exchange.method();
    if (method.equals("OPTIONS")) {
      resumable.options(exchange);
      return;
    }
    auth.requireToken(exchange);
    if (method.equals("POST") && "PATCH".equals(exchange.header("X-HTTP-Method-Override"))) {
      method = "PATCH"; // tus clients behind proxies that drop PATCH
    }
    switch (method) {
      case "HEAD" -> resumable.head(exchange, id);
      case "PATCH" -> resumable.patch(exchange, id);
      case "DELETE" -> resumable.delete(exchange, id);
      default -> throw notAllowed(method, exchange.path(), "HEAD, PATCH, DELETE, OPTIONS");
    }
  }

  private static Callback callbackOf(Exchange exchange) {
    return Callback.from(exchange::finish, exchange::fail);
  }

  /**
   * Liveness, open to anyone: it says the server answers and nothing else, no store location, path,
   * auth mode or count (those are configuration, or need the token: {@code /jobs}).
   */
  private static Map<String, Object> health() {
    return Map.of("status", "ok");
  }

  private static void requireGet(String method, String path) {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw notAllowed(method, path, "GET, HEAD");
    }
  }

  private static HttpProblem notAllowed(String method, String path, String allow) {
    return new HttpProblem(
        HttpStatus.METHOD_NOT_ALLOWED_405,
        method + " is not allowed on " + path + " (allowed: " + allow + ")",
        Map.of("Allow", allow));
  }
}
