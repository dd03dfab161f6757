package dev.sluice.http.internal;

import java.util.Map;

/**
 * A request the server answers with an error status and a JSON body {@code {"status": …, "error":
 * "…"}} (and the {@code report} of the transfer it ended, when one is attached). The message names
 * the input and the rule it broke.
 */
public final class HttpProblem extends RuntimeException {

  private final int status;
  private final transient Map<String, String> headers;
  private final transient Map<String, Object> members;
  private transient volatile Map<String, Object> report;

  public HttpProblem(int status, String message) {
    this(status, message, Map.of());
  }

  public HttpProblem(int status, String message, Map<String, String> headers) {
    this(status, message, headers, Map.of());
  }

  /**
   * A problem answered as {@code application/problem+json} (RFC 9457) when {@code members} is not
   * empty: its members ({@code type}, {@code title}, extensions) come before status and error.
   */
  public HttpProblem(
      int status, String message, Map<String, String> headers, Map<String, Object> members) {
    super(message, null, false, false);
    this.status = status;
    this.headers = Map.copyOf(headers);
    this.members = Map.copyOf(members);
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }

  /**
   * Attaches the report of the transfer this problem ended (in the CLI's {@code --json} schema),
   * answered as the body's {@code report}; returns this problem.
   */
  public HttpProblem report(Map<String, Object> fields) {
    this.report = fields;
    return this;
  }

  /** The report attached with {@link #report(Map)}, or null. */
  public Map<String, Object> report() {
    return report;
  }

  /** Extra response headers, e.g. {@code Content-Range} for a 416. */
  public Map<String, String> headers() {
    return headers;
  }

  /** RFC 9457 members ({@code type}, {@code title}, extensions); empty for a plain problem. */
  public Map<String, Object> members() {
    return members;
  }
}
