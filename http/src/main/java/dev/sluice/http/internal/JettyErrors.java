package dev.sluice.http.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.Secrets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the requests Jetty itself refuses before routing (an ambiguous or encoded path segment
 * such as {@code %2e%2e} or {@code %2F}, an encoded control character or backslash, bad UTF-8, a
 * malformed URI) for every method and whatever the client accepts, with the same JSON body as the
 * server's own errors: {@code {"status": 400, "error": "…"}}, naming Jetty's reason and the path. A
 * 5xx (a request whose handler failed) says only its status: never an exception's text, a class
 * name or a server path.
 */
public final class JettyErrors extends ErrorHandler {

  private static final ObjectMapper JSON = new ObjectMapper();

  public JettyErrors() {
    setDefaultResponseMimeType("application/json");
    setShowStacks(false);
    setShowCauses(false);
  }

  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  /** JSON whatever the client accepts: curl's {@code Accept: *}{@code /*} would get HTML. */
  @Override
  protected boolean generateAcceptableResponse(
      Request request,
      Response response,
      Callback callback,
      String contentType,
      List<Charset> charsets,
      int code,
      String message,
      Throwable cause)
      throws IOException {
    if (unparsed(request)) {
      // Jetty closes the connection after answering a request it could not parse: say so, or a
      // client keeps the connection and its next request on it fails with no response at all
      response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
    }
    return super.generateAcceptableResponse(
        request, response, callback, "application/json", charsets, code, message, cause);
  }

  /** True for a request Jetty could not parse: it stands in {@code /badMessage} for its path. */
  private static boolean unparsed(Request request) {
    return request.getHttpURI() != null && "/badMessage".equals(request.getHttpURI().getPath());
  }

  @Override
  protected void writeErrorJson(
      Request request, PrintWriter writer, int code, String message, Throwable cause) {
    if (code >= 500) {
      // a failure inside the server: its message may quote an exception, a class or a path
      writeJson(writer, code, HttpStatus.getMessage(code) + " (the server logged the details)");
      return;
    }
    String why = message == null || internal(message) ? "refused" : message;
    String detail = cause == null ? null : cause.getMessage();
    boolean detailed =
        detail != null && !internal(detail) && !why.contains(detail) && !detail.contains(why);
    if (detailed) {
      why += ": " + detail;
    }
    String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
    if (unparsed(request)) {
      if (!detailed) {
        why += ": the request line or its URI could not be parsed";
      }
    } else if (path != null) {
      why += " in " + path;
    }
    writeJson(writer, code, Secrets.redact(why));
  }

  /** True for text that names code rather than the request: a class or package name. */
  private static boolean internal(String text) {
    return text.contains("Exception") || text.contains("java.") || text.contains("dev.sluice");
  }

  private static void writeJson(PrintWriter writer, int code, String why) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", code);
    body.put("error", why);
    try {
      writer.write(JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
