package dev.sluice.http.internal;

import dev.sluice.core.AbortReason;
import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.LimitExceededException;
import dev.sluice.core.Transforms;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.job.IngestionJob;
import dev.sluice.core.job.IngestionListener;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.core.job.MemoryExhaustedException;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadAppend;
import dev.sluice.core.upload.UploadException;
import dev.sluice.core.upload.UploadStore;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Request;

/**
 * Streams one request body into an upload at an offset through the ingestion engine, so memory
 * stays within the engine's chunks: the body limit, the request's own checksum (tus {@code
 * Upload-Checksum}, RFC 9530 {@code Content-Digest}; a mismatch discards the request's bytes), and
 * the one-writer rule (a newer request for the upload, on this node or another, asks for the
 * upload's lease, which cancels this append and closes its connection; what arrived is kept), and
 * the lease as a fence: once it is lost, the append stops at its durable offset with a 503.
 */
final class UploadAppender {

  private final UploadStore uploads;
  private final String sink; // the label of its chunk-write latency: the store's kind
  private final ServerContext context;
  private final AtomicInteger running = new AtomicInteger();

  /**
   * @param sink the store's kind ({@link ServerMetrics#sinkOf}), labelling chunk-write latency
   */
  UploadAppender(UploadStore uploads, String sink, ServerContext context) {
    this.uploads = uploads;
    this.sink = sink;
    this.context = context;
  }

  int running() {
    return running.get();
  }

  /**
   * Appends the request body at {@code offset} and returns the upload's new offset.
   *
   * @param hold the request's lease on the upload, held until after this returns
   * @throws HttpProblem for a refused append (wrong offset 409, checksum 460 or 400, too large 413,
   *     lease lost 503)
   * @throws IngestionException for a client that went away (its bytes are kept)
   */
  long append(
      Exchange exchange,
      UploadProtocol protocol,
      Upload upload,
      long offset,
      long declared,
      UploadHold hold)
      throws Exception {
    UploadHeaders.Checksum checksum =
        UploadHeaders.checksum(protocol.tus() ? exchange.header("Upload-Checksum") : null);
    DigestHeaders digests = DigestHeaders.parse(exchange.header("Content-Digest"), null, null);
    UploadAppend append;
    try {
      append = uploads.append(upload.id(), offset);
    } catch (UploadException e) {
      throw ResumableUploads.problem(protocol, e);
    } catch (MemoryExhaustedException e) { // the store's own buffer: refused before reading
      throw Uploads.busyBeforeReading(e, "request");
    }
    if (checksum != null || digests.sha256() != null || digests.sha512() != null) {
      append.discardOnAbort(); // an interrupted body cannot meet its checksum
    }
    if (declared == 0) {
      try {
        return offsetOf(hold.guard(append).commit().details());
      } catch (java.io.IOException e) {
        throw hold.lost() ? UploadHold.lostProblem(upload.id()) : e;
      }
    }
    long max = context.config().maxBodySize();
    RequestBodySource body =
        new RequestBodySource(
            exchange.request(),
            "request body of " + exchange.method() + " " + exchange.path(),
            declared);
    Ingestion ingestion = Ingestion.from(body).through(Transforms.limit(max, "body size"));
    if (checksum != null) {
      ingestion.through(
          switch (checksum.algorithm()) {
            case "sha1" -> Transforms.sha1(checksum.hex());
            case "sha256" -> Transforms.sha256(checksum.hex());
            default -> Transforms.md5(checksum.hex());
          });
    }
    if (digests.sha256() != null) {
      ingestion.through(Transforms.sha256(digests.sha256()));
    }
    if (digests.sha512() != null) {
      ingestion.through(Transforms.sha512(digests.sha512()));
    }
    ingestion
        .to(hold.guard(append))
        .listener(new Meter())
        .listedAs(
            Direction.UPLOAD.kind(),
            upload.key() + " (upload)",
            TransferRow.attributes(Request.getRemoteAddr(exchange.request()), 0));
    running.incrementAndGet();
    try {
      IngestionJob job = context.start(ingestion);
      Runnable endThisRequest = // a request past its append (publishing, answering) goes on
          () -> {
            if (job.cancel(AbortReason.CANCELLED)) {
              exchange.request().getConnectionMetaData().getConnection().getEndPoint().close();
            }
          };
      append.onSuperseded(endThisRequest);
      hold.onStop(
          () -> {
            if (hold.lost()) {
              job.cancel(AbortReason.CANCELLED); // the connection stays, to carry the 503
            } else {
              endThisRequest.run();
            }
          });
      try {
        IngestionReport report = Uploads.await(job);
        context.metrics().ended(Direction.UPLOAD, null, report.bytesIn(), report.duration());
        return offsetOf(report.receipt().details());
      } catch (IngestionException e) {
        context
            .metrics()
            .ended(Direction.UPLOAD, e.reason(), e.report().bytesIn(), e.report().duration());
        throw hold.lost() ? UploadHold.lostProblem(upload.id()) : problemFor(protocol, upload, e);
      }
    } finally {
      running.decrementAndGet();
    }
  }

  private static long offsetOf(Map<String, String> details) {
    return Long.parseLong(details.get("offset"));
  }

  /** The answer for an append that ended early; a disconnect is rethrown (nobody listens). */
  private Exception problemFor(UploadProtocol protocol, Upload upload, IngestionException e) {
    Throwable root = e.getCause();
    String id = upload.id();
    return switch (e.reason()) {
      case DIGEST_MISMATCH -> {
        String why =
            root instanceof DigestMismatchException m
                ? m.algorithm() + " expected " + m.expected() + " but the body has " + m.actual()
                : root.getMessage();
        yield new HttpProblem(
            protocol.tus() ? 460 : 400,
            "checksum mismatch for upload "
                + id
                + ": "
                + why
                + "; the request's bytes were dropped");
      }
      case LIMIT_EXCEEDED ->
          root instanceof MemoryExhaustedException
              ? new HttpProblem(
                  503, "the server is busy: " + root.getMessage(), Map.of("Retry-After", "1"))
              : new HttpProblem(
                  413,
                  (root instanceof LimitExceededException l ? l.getMessage() : root.getMessage())
                      + "; the bytes before it were kept");
      case INVALID_INPUT -> new HttpProblem(400, root.getMessage());
      case SHUTDOWN ->
          new HttpProblem(
              503,
              "the server is shutting down; resume the upload later",
              Map.of("Retry-After", "5"));
      case TIMEOUT -> Uploads.tooSlow(root.getMessage() + "; resume from the upload's offset");
      case CANCELLED ->
          new HttpProblem(
              409,
              "a newer request for upload " + id + " ended this one",
              Map.of("Connection", "close"));
      case CLIENT_DISCONNECT -> e;
      default ->
          new HttpProblem(
              500, "append to upload " + id + " failed (" + e.reason() + "): " + root.getMessage());
    };
  }

  /** Feeds the server's meters from the engine. */
  private final class Meter implements IngestionListener {
    @Override
    public void onChunk(int bytes, long writeNanos) {
      context.metrics().bytesIn(bytes);
      context.metrics().chunkWritten(Direction.UPLOAD, sink, writeNanos);
    }
  }
}
