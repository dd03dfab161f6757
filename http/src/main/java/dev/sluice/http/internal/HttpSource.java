package dev.sluice.http.internal;

import dev.sluice.core.Source;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * An HTTP(S) download as a {@link Source}, on the JDK client. When the connection drops (an I/O
 * error or an early end before {@code Content-Length}), it asks again from the next byte with
 * {@code Range: bytes=N-} and {@code If-Range} set to the first response's strong {@code ETag} (or
 * its {@code Last-Modified}), so a changed resource is never spliced: a 200 instead of a matching
 * 206 fails the read. A server that is down meanwhile (restarting, say) is asked again after a
 * {@link Backoff} pause: 0.5 s, doubling up to 10 s by default. It makes at most {@code retries}
 * requests after the first over the whole download. The first request is not retried: a URL that
 * does not answer fails at once, naming the URL and the cause.
 */
public final class HttpSource implements Source {

  /** Requests after the first allowed by default over one download: about 45 s of pauses. */
  public static final int DEFAULT_RETRIES = 8;

  /** How long to wait before a retry. */
  @FunctionalInterface
  public interface Backoff {

    /** 0.5 s before the first retry, doubling up to 10 s. */
    Backoff EXPONENTIAL =
        attempt -> {
          long millis = Math.min(10_000, 500L << Math.min(attempt - 1, 5));
          try {
            Thread.sleep(millis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
          }
        };

    /** Waits before retry number {@code attempt} (from 1). */
    void pause(int attempt) throws InterruptedIOException;
  }

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(30))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();

  private final URI uri;
  private final long length;
  private final String validator;
  private final int maxRetries;
  private final Backoff backoff;
  private InputStream in;
  private long position;
  private int retries;
  private byte[] scratch;
  private volatile boolean closed;

  private HttpSource(
      URI uri, InputStream in, long length, String validator, int maxRetries, Backoff backoff) {
    this.backoff = backoff;
    this.uri = uri;
    this.in = in;
    this.length = length;
    this.validator = validator;
    this.maxRetries = maxRetries;
  }

  /**
   * Sends the first GET.
   *
   * @throws IOException naming the URL and the status when the server does not answer 200
   */
  public static HttpSource open(URI uri, int maxRetries) throws IOException {
    return open(uri, maxRetries, Backoff.EXPONENTIAL);
  }

  /**
   * Sends the first GET; retries pause as {@code backoff} says.
   *
   * @throws IOException naming the URL and the status, or the cause when the server does not answer
   */
  public static HttpSource open(URI uri, int maxRetries, Backoff backoff) throws IOException {
    HttpResponse<InputStream> response = send(HttpRequest.newBuilder(uri).GET().build());
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException("GET " + uri + " answered " + response.statusCode() + ", expected 200");
    }
    long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
    Optional<String> etag = response.headers().firstValue("ETag").filter(t -> t.startsWith("\""));
    String validator = etag.orElse(response.headers().firstValue("Last-Modified").orElse(null));
    return new HttpSource(uri, response.body(), length, validator, maxRetries, backoff);
  }

  /**
   * Sends {@code request}.
   *
   * @throws IOException naming the URL and the cause (e.g. "connection refused") when it fails
   */
  private static HttpResponse<InputStream> send(HttpRequest request) throws IOException {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while requesting " + request.uri());
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      throw new IOException("GET " + request.uri() + " failed: " + reason(e), e);
    }
  }

  /** What went wrong, in words: the JDK client's exceptions often carry no message. */
  private static String reason(IOException e) {
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.net.http.HttpConnectTimeoutException) {
      return "connecting timed out";
    }
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "timed out";
    }
    if (e instanceof java.net.UnknownHostException) {
      return "unknown host " + e.getMessage();
    }
    if (e.getMessage() != null && !e.getMessage().isBlank()) {
      return e.getMessage();
    }
    Throwable cause = e.getCause();
    return cause instanceof IOException io ? reason(io) : "the connection failed";
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    while (true) {
      int n;
      try {
        n = readSome(into);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (closed) {
          throw e;
        }
        resume(e);
        continue;
      }
      if (n < 0 && length >= 0 && position < length) {
        resume(new EOFException("connection ended at byte " + position + " of " + length));
        continue;
      }
      if (n > 0) {
        position += n;
      }
      return n;
    }
  }

  private int readSome(ByteBuffer into) throws IOException {
    if (scratch == null) {
      scratch = new byte[Math.min(64 * 1024, Math.max(1, into.remaining()))];
    }
    int n = in.read(scratch, 0, Math.min(scratch.length, into.remaining()));
    if (n > 0) {
      into.put(scratch, 0, n);
    }
    return n;
  }

  /**
   * Re-requests from {@link #position}, pausing before each attempt and trying again while the
   * server does not answer; rethrows {@code cause} when resuming is not possible or the retries are
   * spent.
   */
  private void resume(IOException cause) throws IOException {
    if (validator == null || length < 0) {
      cause.addSuppressed(
          new IOException("cannot resume " + uri + ": no strong ETag/Last-Modified or length"));
      throw cause;
    }
    try {
      in.close();
    } catch (IOException ignored) {
      cause.addSuppressed(ignored);
    }
    while (true) {
      if (retries >= maxRetries) {
        throw new IOException(
            "GET "
                + uri
                + " broke off at byte "
                + position
                + " of "
                + length
                + " and "
                + maxRetries
                + " retries did not resume it",
            cause);
      }
      retries++;
      backoff.pause(retries);
      HttpResponse<InputStream> response;
      try {
        response =
            send(
                HttpRequest.newBuilder(uri)
                    .header("Range", "bytes=" + position + "-")
                    .header("If-Range", validator)
                    .GET()
                    .build());
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        cause = e; // the server is not back yet: pause and try again
        continue;
      }
      String expected = "bytes " + position + "-";
      String range = response.headers().firstValue("Content-Range").orElse("");
      if (response.statusCode() != 206 || !range.startsWith(expected)) {
        response.body().close();
        IOException changed =
            new IOException(
                "cannot resume "
                    + uri
                    + " at byte "
                    + position
                    + ": answered "
                    + response.statusCode()
                    + (range.isEmpty() ? "" : " " + range)
                    + " (the resource changed or ignores ranges)");
        changed.addSuppressed(cause);
        throw changed;
      }
      in = response.body();
      return;
    }
  }

  /** How many times the download was resumed. */
  public int resumptions() {
    return retries;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    in.close();
  }

  @Override
  public String toString() {
    return uri.toString();
  }
}
