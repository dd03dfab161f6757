package dev.sluice.http.internal;

import dev.sluice.core.AbortCause;
import dev.sluice.core.AbortReason;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobChangedException;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.blob.Precondition;
import dev.sluice.core.blob.PreconditionFailedException;
import dev.sluice.core.blob.StoreUnavailableException;
import dev.sluice.core.delivery.BufferLender;
import dev.sluice.core.delivery.Conditionals;
import dev.sluice.core.delivery.Delivery;
import dev.sluice.core.delivery.DeliveryPlan;
import dev.sluice.core.delivery.DeliveryRequest;
import dev.sluice.core.job.TrackedTransfer;
import dev.sluice.http.internal.Throttle.Pace;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Request;

/**
 * {@code GET} and {@code HEAD /objects/KEY}: the response is decided by core's {@link Delivery}
 * (conditionals, ranges, multipart/byteranges) and streamed from the blob through one pooled buffer
 * into blocking connection writes, paced by the transfer's token buckets. A full response is
 * gzip-compressed on the fly when the client accepts it (never a range). A paced download borrows
 * its buffer only for each write, not while it waits for tokens.
 *
 * <p>The fast path is {@link Sendfile}: an unthrottled plain-HTTP/1.x download of a file-store
 * object (the whole of it or one range, not gzip-encoded) is sent by the kernel from the file to
 * the socket and holds no buffer. Otherwise an unthrottled download reads the blob into a 256 KiB
 * direct buffer written straight to the connection. A client that goes away stops the copy at the
 * next write: the blob channel is closed and the transfer recorded as {@code CLIENT_DISCONNECT}.
 */
public final class Deliveries {

  private final BlobStore store;
  private final ServerContext context;
  private final Delivery delivery;

  public Deliveries(BlobStore store, ServerContext context, Delivery delivery) {
    this.store = store;
    this.context = context;
    this.delivery = delivery;
  }

  /** {@code GET} or {@code HEAD /objects?prefix=P&after=K&limit=N}: see {@link Listings}. */
  @SuppressWarnings("try") // the ticket is held while the listing is written
  public void list(Exchange exchange) throws IOException {
    // a listing holds the store's listing (directories open) and a buffer for as long as its
    // client reads: admitted as a download, so listings that are never read cannot go unbounded
    try (Admission.Ticket ticket =
        context.admission().admit(Direction.DOWNLOAD, "GET /objects", Listings.BUFFER)) {
      new Listings(store).list(exchange);
    }
  }

  /** {@code GET} or {@code HEAD /objects/KEY}. */
  public void get(Exchange exchange, String key) throws IOException {
    Pace pace = context.throttle().forTransfer(exchange.query("rate"));
    for (int attempt = 1; ; attempt++) {
      try {
        Optional<Blob> found = store.find(key);
        if (found.isEmpty()) {
          throw new HttpProblem(404, "no object '" + key + "'");
        }
        try (Blob blob = found.get()) { // the version found stays readable until closed
          respond(exchange, key, blob, pace);
          return;
        }
      } catch (BlobChangedException e) {
        // replaced or deleted while being looked up or opened, nothing sent yet: once more
        exchange.response().reset();
        if (attempt == 2) {
          throw new HttpProblem(
              503,
              "object '" + key + "' is being replaced; try again",
              java.util.Map.of("Retry-After", "1"));
        }
      }
    }
  }

  private void respond(Exchange exchange, String key, Blob blob, Pace pace) throws IOException {
    // If-None-Match may carry the gzip representation's tag: it validates the same content
    String ifNoneMatch = exchange.header("If-None-Match");
    String gzipTag = gzipTag(blob.etag());
    boolean gzipTagSent =
        ifNoneMatch != null
            && ifNoneMatch.contains(gzipTag)
            && acceptsGzip(exchange.header("Accept-Encoding"));
    DeliveryPlan plan =
        delivery.plan(
            DeliveryRequest.from(
                exchange.method(),
                name ->
                    gzipTagSent && name.equalsIgnoreCase("If-None-Match")
                        ? ifNoneMatch.replace(gzipTag, blob.etag())
                        : exchange.header(name)),
            blob);
    countRange(exchange, plan);
    boolean gzip =
        plan.kind() == DeliveryPlan.Kind.FULL
            && plan.contentLength() > 0
            && acceptsGzip(exchange.header("Accept-Encoding"));
    String notModifiedTag =
        gzipTagSent && plan.kind() == DeliveryPlan.Kind.NOT_MODIFIED ? gzipTag : null;
    if ("HEAD".equals(exchange.method()) || plan.contentLength() == 0) {
      head(exchange, blob, plan, gzip, notModifiedTag);
      exchange.write(ByteBuffer.allocate(0), true);
      exchange.finish();
      return;
    }
    // sendfile holds no buffer, but the budget still bounds how many run (Sendfile.ADMITTED_AS)
    SocketChannelEndPoint sendfile = Sendfile.endPointFor(exchange, blob, plan, gzip, pace);
    long memory = sendfile == null ? pace.chunkSize() : Sendfile.ADMITTED_AS;
    // admitted before any header is set: a refusal is a clean 503, not a half-made 200
    try (Admission.Ticket ticket =
            context.admission().admit(Direction.DOWNLOAD, "GET /objects/" + key, memory);
        TrackedTransfer transfer =
            context.track(
                Direction.DOWNLOAD,
                key,
                plan.contentLength(),
                TransferRow.attributes(Request.getRemoteAddr(exchange.request()), pace.rate()))) {
      // a paced download borrows its buffer per write (Buffered), an unpaced one holds it
      // throughout
      ByteBuffer buffer =
          sendfile == null && pace.unlimited() ? ticket.buffer(pace.chunkSize()) : null;
      try {
        head(exchange, blob, plan, gzip, notModifiedTag);
        Body body =
            sendfile != null
                ? Sendfile.body(exchange, blob, plan, sendfile, transfer, context.metrics())
                : new Buffered(exchange, blob, plan, pace, gzip, transfer, ticket, buffer);
        send(exchange, transfer, body, gzip ? "gzip" : ServerMetrics.BASELINE);
      } finally {
        if (buffer != null) {
          ticket.memory().give(buffer); // the response has ended: pooled for the next download
        }
      }
    }
  }

  /**
   * The body of an admitted download: sent through a buffer, or by the kernel ({@link Sendfile}).
   */
  interface Body {
    /** Writes the whole body; blocks as long as the client is slow. */
    void write() throws IOException;

    /** Body bytes handed to the connection so far (before any encoding). */
    long written();
  }

  /**
   * A body copied from the blob into blocking connection writes, paced by the transfer's token
   * buckets, gzip-encoded on the way when asked. An unpaced copy goes through one buffer it holds
   * throughout; a paced one waits for its tokens first and only then borrows a buffer from its
   * ticket's memory for the read and write of what was granted, giving it back before it waits
   * again: a throttled download parked between writes holds no payload buffer. Its ticket still
   * reserves one chunk, since every paced download may be in a write to a stalled client at once. A
   * buffer whose write failed is not given back: an interrupted write may still be pending with it,
   * so it is left to the garbage collector when the ticket closes, never lent again.
   */
  private final class Buffered implements Body, BufferLender {
    private final Exchange exchange;
    private final Blob blob;
    private final DeliveryPlan plan;
    private final Pace pace;
    private final boolean gzip;
    private final TrackedTransfer transfer;
    private final Admission.Ticket ticket;
    private final ByteBuffer buffer;
    private ResponseChannel channel;

    /**
     * @param buffer the buffer of an unpaced copy; null to borrow one from {@code ticket} per write
     */
    Buffered(
        Exchange exchange,
        Blob blob,
        DeliveryPlan plan,
        Pace pace,
        boolean gzip,
        TrackedTransfer transfer,
        Admission.Ticket ticket,
        ByteBuffer buffer) {
      this.exchange = exchange;
      this.blob = blob;
      this.plan = plan;
      this.pace = pace;
      this.gzip = gzip;
      this.transfer = transfer;
      this.ticket = ticket;
      this.buffer = buffer;
    }

    @Override
    public void write() throws IOException {
      OutputStream encoder =
          gzip
              ? new GZIPOutputStream(Content.Sink.asOutputStream(exchange.response()), 64 * 1024)
              : null;
      channel = new ResponseChannel(exchange, encoder, pace, transfer, context.metrics());
      plan.writeBody(blob, channel, buffer != null ? BufferLender.of(buffer) : this);
      channel.finishEncoding();
    }

    /** Waits for the tokens of the next write, then takes a buffer for just that many bytes. */
    @Override
    public ByteBuffer borrow(long wanted) throws IOException {
      int granted = channel.grant(wanted);
      return ticket.buffer(pace.chunkSize()).limit(granted);
    }

    @Override
    public void giveBack(ByteBuffer lent) {
      ticket.memory().give(lent);
    }

    @Override
    public long written() {
      return channel == null ? 0 : channel.written();
    }
  }

  /**
   * Sets the status and headers of the answer to {@code plan}; {@code notModifiedTag}, when not
   * null, is the gzip representation's tag a 304 confirms.
   */
  private static void head(
      Exchange exchange, Blob blob, DeliveryPlan plan, boolean gzip, String notModifiedTag) {
    exchange.status(plan.status());
    plan.headers().forEach(exchange::header);
    if (notModifiedTag != null) {
      exchange.header("ETag", notModifiedTag);
    }
    if (plan.kind() == DeliveryPlan.Kind.FULL
        || plan.kind() == DeliveryPlan.Kind.PARTIAL
        || plan.kind() == DeliveryPlan.Kind.MULTIPART) {
      exchange.header("Vary", "Accept-Encoding");
      if (gzip) {
        exchange.response().getHeaders().remove("Content-Length");
        exchange.header("Content-Encoding", "gzip");
        exchange.header("ETag", gzipTag(blob.etag()));
      } else {
        blob.sha256()
            .ifPresent(hex -> exchange.header("Repr-Digest", DigestHeaders.sha256Field(hex)));
      }
    }
  }

  /**
   * Writes the body of an admitted, registered download. A client that goes away is noticed by the
   * connection's failure (even while the transfer is paced) or by the next write; either way the
   * transfer ends with {@code CLIENT_DISCONNECT}. {@code pipeline} labels its throughput.
   */
  private void send(Exchange exchange, TrackedTransfer transfer, Body body, String pipeline)
      throws BlobChangedException, StoreUnavailableException {
    Thread handler = Thread.currentThread();
    transfer.onCancel(reason -> handler.interrupt());
    exchange.request().addFailureListener(gone -> transfer.cancel(AbortReason.CLIENT_DISCONNECT));
    long start = System.nanoTime();
    try {
      body.write();
      context
          .metrics()
          .ended(
              Direction.DOWNLOAD,
              null,
              body.written(),
              Duration.ofNanos(System.nanoTime() - start),
              pipeline);
      exchange.finish();
    } catch (IOException | RuntimeException e) {
      if (e instanceof BlobChangedException changed && !exchange.response().isCommitted()) {
        throw changed; // nothing sent: the caller looks the key up again
      }
      if (e instanceof HttpProblem refused && !exchange.response().isCommitted()) {
        exchange.response().reset(); // e.g. no direct memory for a paced download's first buffer
        throw refused; // nothing sent: a clean 503, as if refused before the headers were set
      }
      if (e instanceof StoreUnavailableException unavailable
          && !exchange.response().isCommitted()) {
        exchange.response().reset(); // e.g. no database connection free to open the blob with
        throw unavailable; // nothing sent: the router answers 503
      }
      AbortReason reason = e instanceof AbortCause c ? c.reason() : AbortReason.SOURCE_FAILED;
      AccessLog.aborted(exchange, "download", reason, body.written());
      context
          .metrics()
          .ended(
              Direction.DOWNLOAD,
              reason,
              body.written(),
              Duration.ofNanos(System.nanoTime() - start));
      Thread.interrupted(); // a cancel's interrupt must not leak into the next request
      exchange.fail(e); // the response is cut off: the client sees a short body
    } finally {
      transfer.onCancel(reason -> {}); // the handler thread moves on to other requests
      Thread.interrupted();
    }
  }

  private void countRange(Exchange exchange, DeliveryPlan plan) {
    if (exchange.header("Range") == null) {
      return;
    }
    String kind =
        switch (plan.kind()) {
          case PARTIAL -> "single";
          case MULTIPART -> "multiple";
          case NOT_SATISFIABLE -> "unsatisfiable";
          case FULL -> "ignored";
          default -> "conditional";
        };
    context.metrics().rangeRequest(kind);
  }

  /** {@code DELETE /objects/KEY}. */
  public void delete(Exchange exchange, String key) throws IOException {
    Precondition precondition = Conditionals.from(exchange::header).precondition("DELETE");
    boolean deleted;
    try {
      deleted = store.delete(key, precondition);
    } catch (PreconditionFailedException e) {
      throw Uploads.preconditionFailed(key);
    }
    if (!deleted) {
      throw new HttpProblem(404, "no object '" + key + "'");
    }
    exchange.respondEmpty(204);
  }

  /** True when {@code Accept-Encoding} lists gzip (or *) with a non-zero quality. */
  static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String member : acceptEncoding.split(",")) {
      String[] parts = member.trim().split(";");
      String coding = parts[0].trim().toLowerCase(Locale.ROOT);
      if (!coding.equals("gzip") && !coding.equals("x-gzip")) {
        continue;
      }
      for (int i = 1; i < parts.length; i++) {
        String param = parts[i].trim().toLowerCase(Locale.ROOT);
        if (param.startsWith("q=")) {
          try {
            return Double.parseDouble(param.substring(2)) > 0;
          } catch (NumberFormatException e) {
            return false;
          }
        }
      }
      return true;
    }
    return false;
  }

  /** The gzip representation is a different one: it gets its own strong tag. */
  private static String gzipTag(String etag) {
    return etag.endsWith("\"") ? etag.substring(0, etag.length() - 1) + "-gzip\"" : etag;
  }
}
