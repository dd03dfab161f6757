package dev.sluice.http.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.core.Secrets;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * One request and its response, seen by a blocking handler: header and query look-ups, blocking
 * body writes, and JSON answers. A handler finishes the response (through {@link #respond}, {@link
 * #finish} or {@link #fail}) before it returns.
 */
public final class Exchange {

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final String path;
  private Fields query;

  public Exchange(Request request, Response response, Callback callback) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.path = Request.getPathInContext(request);
  }

  public Request request() {
    return request;
  }

  public Response response() {
    return response;
  }

  public String method() {
    return request.getMethod();
  }

  /**
   * The path Jetty routes by: normalized, without path parameters, still percent-encoded, e.g.
   * {@code /objects/a%20b.txt}. For messages and route matching; keys come from {@link #rawPath}.
   */
  public String path() {
    return path;
  }

  /**
   * The path exactly as the client sent it (percent-encoded, with any {@code ;} kept), which {@link
   * ObjectPaths#key} decodes into an object key.
   */
  public String rawPath() {
    return request.getHttpURI().getPath();
  }

  /** A request header, or null. */
  public String header(HttpHeader name) {
    return request.getHeaders().get(name);
  }

  /** A request header by name, or null. */
  public String header(String name) {
    return request.getHeaders().get(name);
  }

  /** A query parameter, or null. */
  public String query(String name) {
    if (query == null) {
      query = Request.extractQueryParameters(request);
    }
    return query.getValue(name);
  }

  public void status(int status) {
    response.setStatus(status);
  }

  public void header(HttpHeader name, String value) {
    response.getHeaders().put(name, value);
  }

  public void header(String name, String value) {
    response.getHeaders().put(name, value);
  }

  /** The most of an unread request body an early answer reads and drops after it is sent. */
  static final long LINGER_BYTES = 16 * 1024 * 1024;

  /**
   * Answers {@code problem}, then reads and drops what is left of the request body (at most {@link
   * #LINGER_BYTES}, as nginx's lingering close does) before the exchange ends. Closing a connection
   * while body bytes are still arriving makes the kernel reset it, and a reset can discard the
   * answer before the client reads it. A body the client holds back for {@code Expect:
   * 100-continue} is left unread (reading it would ask for it), and so is anything past the limit:
   * that connection is closed after the answer.
   */
  public void respondThenDiscardBody(HttpProblem problem) throws IOException {
    writeProblem(problem);
    if (!"100-continue".equalsIgnoreCase(header(HttpHeader.EXPECT))) {
      discardBody(LINGER_BYTES);
    }
    finish();
  }

  private void discardBody(long max) {
    long discarded = 0;
    try {
      while (discarded <= max) {
        Content.Chunk chunk = request.read();
        if (chunk == null) {
          try (Blocker.Runnable more = Blocker.runnable()) {
            request.demand(more);
            more.block();
          }
          continue;
        }
        discarded += chunk.remaining();
        chunk.release();
        if (chunk.isLast() || Content.Chunk.isFailure(chunk)) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // the body failed or the client went: the answer is out already
    }
  }

  /** Writes {@code chunk} and blocks until the connection took it. */
  public void write(ByteBuffer chunk, boolean last) throws IOException {
    try (Blocker.Callback written = Blocker.callback()) {
      response.write(last, chunk, written);
      written.block();
    }
  }

  /** Ends the response successfully (writing the last, empty chunk if needed). */
  public void finish() {
    callback.succeeded();
  }

  /** Ends the response with a failure: a response already begun is cut off. */
  public void fail(Throwable cause) {
    callback.failed(cause);
  }

  /** Answers with {@code status} and {@code body} as JSON, then finishes. */
  public void respond(int status, Object body) throws IOException {
    writeJson(status, body);
    finish();
  }

  private void writeJson(int status, Object body) throws IOException {
    writeJson(status, body, "application/json");
  }

  private void writeJson(int status, Object body, String contentType) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    boolean head = "HEAD".equals(method());
    write(ByteBuffer.wrap(head ? new byte[0] : bytes), true);
  }

  /** Answers with {@code status} and a plain-text {@code body}, then finishes. */
  public void respondText(int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    write(ByteBuffer.wrap("HEAD".equals(method()) ? new byte[0] : bytes), true);
    finish();
  }

  /** Answers with a status and no body, then finishes. */
  public void respondEmpty(int status) throws IOException {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
    write(ByteBuffer.allocate(0), true);
    finish();
  }

  /**
   * Answers a problem as {@code {"status": …, "error": "…"}}, with any credential the message
   * quotes (a driver's error naming its URL) masked.
   */
  public void respond(HttpProblem problem) throws IOException {
    writeProblem(problem);
    finish();
  }

  private void writeProblem(HttpProblem problem) throws IOException {
    problem.headers().forEach((name, value) -> response.getHeaders().put(name, value));
    Map<String, Object> body = new LinkedHashMap<>(problem.members());
    body.put("status", problem.status());
    body.put("error", Secrets.redact(problem.getMessage()));
    if (problem.report() != null) {
      body.put("report", problem.report());
    }
    writeJson(
        problem.status(),
        body,
        problem.members().isEmpty() ? "application/json" : "application/problem+json");
  }
}
