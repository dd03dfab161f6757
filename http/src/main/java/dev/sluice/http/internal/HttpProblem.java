package dev.sluice.http.internal;

import java.util.Map;

/**
 * A request the server answers with an error status and a JSON body {@code {"status": …, "error":
 * "…"}}. The message names the input and the rule it broke.
 */
public final class HttpProblem extends RuntimeException {

  private final int status;
  private final transient Map<String, String> headers;

  public HttpProblem(int status, String message) {
    this(status, message, Map.of());
  }

  public HttpProblem(int status, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }

  /** Extra response headers, e.g. {@code Content-Range} for a 416. */
  public Map<String, String> headers() {
    return headers;
  }
}
