package dev.sluice.http.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.core.AbortReason;
import dev.sluice.core.Decimals;
import dev.sluice.core.Secrets;
import dev.sluice.http.LogFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request, written by Jetty once the response is complete (never per chunk): time,
 * client, method, URL (credentials in its query, such as a signed link's {@code sig}, masked),
 * protocol, status, body bytes in and out, duration, MiB/s and the abort reason when the transfer
 * was cut off.
 *
 * <p>Text lines are {@code name=value} pairs separated by single spaces, values with no space in
 * them ({@code abort=-} when none); JSON lines are one object with the same fields ({@code
 * "abort":null}). Thread-safe: Jetty calls {@link #log} from whichever thread completed the
 * request.
 */
public final class AccessLog implements RequestLog {

  /** The SLF4J logger access lines go to by default, at INFO. */
  public static final String LOGGER = "dev.sluice.access";

  private static final Logger WARN = LoggerFactory.getLogger(AccessLog.class);
  private static final String ABORT = AccessLog.class.getName() + ".abort";
  private static final String UNLOGGED = AccessLog.class.getName() + ".unlogged";
  private static final String AROUND_JETTY = AccessLog.class.getName() + ".aroundJetty";
  private static final JsonFactory JSON = new JsonFactory();

  private final LogFormat format;
  private final Consumer<String> lines;

  /**
   * @param format text or JSON lines
   * @param lines takes each finished line (without a line break); called concurrently
   */
  public AccessLog(LogFormat format, Consumer<String> lines) {
    this.format = format;
    this.lines = lines;
  }

  /** Access lines at INFO on the SLF4J logger {@value #LOGGER}. */
  public static Consumer<String> toSlf4j() {
    Logger access = LoggerFactory.getLogger(LOGGER);
    return access::info;
  }

  /**
   * Records that the transfer of {@code exchange} was cut off: its access line names {@code
   * reason}, and a warning says what was moved before.
   */
  public static void aborted(Exchange exchange, String what, AbortReason reason, long bytes) {
    exchange.request().setAttribute(ABORT, reason);
    WARN.warn(
        "{} {} aborted after {} bytes: {}", what, Secrets.redact(exchange.path()), bytes, reason);
  }

  /**
   * Leaves {@code request} out of the access log: for liveness probes answered on an I/O thread,
   * which must never wait on a log destination (a full pipe, a slow disk).
   */
  public static void skip(Request request) {
    request.setAttribute(UNLOGGED, Boolean.TRUE);
  }

  /**
   * Counts, in {@code request}'s line, the body bytes {@code sent} says were sent around Jetty (by
   * sendfile, which Jetty does not see) besides those Jetty wrote.
   */
  static void sentAroundJetty(Request request, LongSupplier sent) {
    request.setAttribute(AROUND_JETTY, sent);
  }

  @Override
  public void log(Request request, Response response) {
    if (request.getAttribute(UNLOGGED) != null) {
      return;
    }
    long nanos = Math.max(1, NanoTime.since(request.getBeginNanoTime()));
    long in = Request.getContentBytesRead(request);
    long out = Response.getContentBytesWritten(response);
    if (request.getAttribute(AROUND_JETTY) instanceof LongSupplier around) {
      out += around.getAsLong();
    }
    double millis = nanos / 1e6;
    double mibPerSecond = (in + out) / (1024.0 * 1024.0) / (nanos / 1e9);
    Object abort = request.getAttribute(ABORT);
    String query = request.getHttpURI().getQuery();
    String url = request.getHttpURI().getPath() + (query == null ? "" : "?" + query);
    Entry entry =
        new Entry(
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString(),
            client(Request.getRemoteAddr(request), Request.getRemotePort(request)),
            request.getMethod(),
            Secrets.redact(url),
            request.getConnectionMetaData().getProtocol(),
            response.getStatus(),
            in,
            out,
            millis,
            mibPerSecond,
            abort == null ? null : abort.toString());
    lines.accept(format == LogFormat.JSON ? json(entry) : text(entry));
  }

  /** {@code 127.0.0.1:5000}, {@code [::1]:5000}. */
  private static String client(String address, int port) {
    return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
  }

  private record Entry(
      String time,
      String client,
      String method,
      String url,
      String protocol,
      int status,
      long in,
      long out,
      double millis,
      double mibPerSecond,
      String abort) {}

  private static String text(Entry e) {
    return "time="
        + e.time
        + " client="
        + e.client
        + " method="
        + e.method
        + " url="
        + noSpaces(e.url)
        + " proto="
        + e.protocol
        + " status="
        + e.status
        + " in="
        + e.in
        + " out="
        + e.out
        + " ms="
        + Decimals.fixed(e.millis, 1)
        + " mibps="
        + Decimals.fixed(e.mibPerSecond, 1)
        + " abort="
        + (e.abort == null ? "-" : e.abort);
  }

  /** A URL as one text field: spaces, quotes and control characters percent-encoded. */
  private static String noSpaces(String url) {
    StringBuilder b = null;
    for (int i = 0; i < url.length(); i++) {
      char c = url.charAt(i);
      boolean plain = c > ' ' && c != '"' && c != 0x7f;
      if (!plain && b == null) {
        b = new StringBuilder(url.length() + 8).append(url, 0, i);
      }
      if (b != null) {
        if (plain) {
          b.append(c);
        } else {
          b.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
        }
      }
    }
    return b == null ? url : b.toString();
  }

  private static String json(Entry e) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("time", e.time);
      g.writeStringField("client", e.client);
      g.writeStringField("method", e.method);
      g.writeStringField("url", e.url);
      g.writeStringField("protocol", e.protocol);
      g.writeNumberField("status", e.status);
      g.writeNumberField("bytes_in", e.in);
      g.writeNumberField("bytes_out", e.out);
      g.writeNumberField("duration_ms", Math.round(e.millis * 10) / 10.0);
      g.writeNumberField("mib_per_s", Math.round(e.mibPerSecond * 10) / 10.0);
      if (e.abort == null) {
        g.writeNullField("abort");
      } else {
        g.writeStringField("abort", e.abort);
      }
      g.writeEndObject();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return out.toString();
  }
}
