package dev.sluice.http.internal;

import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Cross-origin access for browser pages on the configured origins: answers a CORS preflight (an
 * {@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) itself, and adds
 * {@code Access-Control-Allow-Origin} plus the exposed headers upload clients read (ETag, Location,
 * ranges, digests, tus and resumable-upload headers) to every other answer to an allowed origin.
 * Every other {@code OPTIONS} (a tus client's discovery request, say) goes to the handlers behind.
 *
 * <p>Never blocks: a preflight is answered on the thread that parsed it. Thread-safe, immutable.
 */
public final class Cors extends Handler.Wrapper {

  static final String ALLOWED_METHODS = "GET, HEAD, PUT, POST, PATCH, DELETE, OPTIONS";

  static final String EXPOSED =
      String.join(
          ", ",
          List.of(
              "ETag",
              "Location",
              "Last-Modified",
              "Content-Length",
              "Content-Range",
              "Accept-Ranges",
              "Content-Digest",
              "Repr-Digest",
              "Content-Disposition",
              "Retry-After",
              "Upload-Offset",
              "Upload-Length",
              "Upload-Complete",
              "Upload-Draft-Interop-Version",
              "Upload-Limit",
              "Upload-Metadata",
              "Upload-Expires",
              "Tus-Resumable",
              "Tus-Version",
              "Tus-Extension",
              "Tus-Max-Size",
              "Tus-Checksum-Algorithm",
              "Sluice-Rows"));

  private static final String MAX_AGE = "600";

  private final boolean anyOrigin;
  private final Set<String> origins;

  /**
   * @param origins exact origins ({@code https://app.example:8443}) or {@code *} for any
   */
  public Cors(Handler next, List<String> origins) {
    super(next);
    this.anyOrigin = origins.contains("*");
    this.origins = Set.copyOf(origins);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null || !(anyOrigin || origins.contains(origin))) {
      return super.handle(request, response, callback);
    }
    var headers = response.getHeaders();
    headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, anyOrigin ? "*" : origin);
    if (!anyOrigin) {
      headers.add(HttpHeader.VARY, "Origin");
    }
    String askedMethod = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD);
    if (HttpMethod.OPTIONS.is(request.getMethod()) && askedMethod != null) {
      headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
      String askedHeaders = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
      if (askedHeaders != null && !askedHeaders.isBlank()) {
        headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, askedHeaders);
      }
      headers.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, MAX_AGE);
      headers.add(HttpHeader.VARY, "Access-Control-Request-Method, Access-Control-Request-Headers");
      headers.put(HttpHeader.CONTENT_LENGTH, 0);
      response.setStatus(204);
      callback.succeeded();
      return true;
    }
    headers.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
    return super.handle(request, response, callback);
  }
}
