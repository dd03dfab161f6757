package dev.sluice.http.internal;

import dev.sluice.core.ClientDisconnectedException;
import dev.sluice.core.IngestionException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes every request on its virtual thread: the shutdown gate (503), authentication, then {@code
 * /objects}, {@code /health}, {@code /metrics}, {@code /jobs} and any extra routes. Each handler
 * blocks until its response is complete; problems become JSON errors.
 */
public final class Router extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(Router.class);

  /** An extra route: requests whose path starts with {@code prefix} go to {@code handler}. */
  public record Extra(String prefix, Request.Handler handler) {}

  private final ServerContext context;
  private final Auth auth;
  private final Keys keys;
  private final Uploads uploads;
  private final Deliveries deliveries;
  private final List<Extra> extras;
  private volatile boolean draining;

  public Router(
      ServerContext context,
      Auth auth,
      Keys keys,
      Uploads uploads,
      Deliveries deliveries,
      List<Extra> extras) {
    super(InvocationType.BLOCKING);
    this.context = context;
    this.auth = auth;
    this.keys = keys;
    this.uploads = uploads;
    this.deliveries = deliveries;
    this.extras = List.copyOf(extras);
  }

  /** From now on every request but {@code /metrics} gets 503. */
  public void drain() {
    draining = true;
  }

  @Override
  @SuppressWarnings("try") // the admission ticket is held while the request runs
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Exchange exchange = new Exchange(request, response, callback);
    try (Admission.Ticket admitted = context.admission().admitBody(exchange)) { // 503 or go
      route(exchange);
    } catch (HttpProblem problem) {
      answer(exchange, problem);
    } catch (SlowClientException e) {
      answer(exchange, Uploads.tooSlow(e.getMessage()));
    } catch (IngestionException | ClientDisconnectedException e) {
      // the client is gone (or the upload was cut): nobody to answer
      LOG.debug("{} {}: {}", request.getMethod(), exchange.path(), e.getMessage());
      exchange.fail(e);
    } catch (Exception e) {
      LOG.warn("{} {} failed", request.getMethod(), exchange.path(), e);
      answer(exchange, new HttpProblem(500, "internal error: " + e));
    }
    return true;
  }

  private void answer(Exchange exchange, HttpProblem problem) {
    if (exchange.response().isCommitted()) {
      exchange.fail(problem);
      return;
    }
    try {
      exchange.response().getHeaders().remove("Content-Encoding");
      exchange.respond(problem);
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
    if (path.startsWith(ObjectPaths.PREFIX)) {
      String key = keys.validate(path.substring(ObjectPaths.PREFIX.length()));
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
    switch (path) {
      case "/objects", "/objects/" -> {
        if (!method.equals("POST")) {
          throw notAllowed(method, path, "POST");
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
        exchange.respond(200, Map.of("transfers", context.transfers().describe()));
      }
      default -> {
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

  private static Callback callbackOf(Exchange exchange) {
    return Callback.from(exchange::finish, exchange::fail);
  }

  private Map<String, Object> health() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", "ok");
    out.put("store", context.config().store());
    out.put("auth", auth.enabled() ? "token" : "none");
    out.put("transfers", context.transfers().size());
    return out;
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
