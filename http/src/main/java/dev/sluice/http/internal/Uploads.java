package dev.sluice.http.internal;

import dev.sluice.core.AbortReason;
import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.LimitExceededException;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Transforms;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.blob.InsufficientStorageException;
import dev.sluice.core.blob.Precondition;
import dev.sluice.core.blob.PreconditionFailedException;
import dev.sluice.core.blob.StoreUnavailableException;
import dev.sluice.core.delivery.Conditionals;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.job.IngestionJob;
import dev.sluice.core.job.IngestionListener;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.core.job.MemoryExhaustedException;
import dev.sluice.core.job.ReportSchema;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Streams request bodies into the store through the ingestion engine: {@code PUT /objects/KEY} (the
 * whole body is the object) and, via {@link MultipartUpload}, each file part of a {@code POST
 * /objects}. Client digests are checked in-stream (SHA-256 by the store's own hash, SHA-512 and MD5
 * by transforms); a mismatch, an oversized body or a vanished client aborts the store's sink, so
 * nothing is stored.
 */
public final class Uploads {

  private final BlobStore store;
  private final String sink; // the label of its chunk-write latency: the store's kind
  private final ServerContext context;

  public Uploads(BlobStore store, ServerContext context) {
    this.store = store;
    this.context = context;
    this.sink = ServerMetrics.sinkOf(store.describe());
    context.metrics().chunkWriteTimer(Direction.UPLOAD, sink); // at zero from start-up
  }

  /** {@code PUT /objects/KEY}. */
  public void put(Exchange exchange, String key) throws Exception {
    long max = context.config().maxBodySize();
    long declared = exchange.request().getLength();
    if (declared > max) {
      throw new HttpProblem(
          413,
          "Content-Length "
              + declared
              + " exceeds the maximum body size of "
              + dev.sluice.core.ByteSize.format(max)
              + " ("
              + max
              + ")");
    }
    DigestHeaders digests =
        DigestHeaders.parse(
            exchange.header("Content-Digest"),
            exchange.header("Repr-Digest"),
            exchange.header("Content-MD5"));
    boolean refuseOverwrite = "*".equals(trim(exchange.header(HttpHeader.IF_NONE_MATCH)));
    // RFC 9110 §13: tested by the store atomically with the commit (and early, before the body);
    // If-None-Match: * is the spec's overwrite flag, which every store already enforces
    Conditionals conditionals = Conditionals.from(exchange::header);
    if (refuseOverwrite) {
      conditionals =
          new Conditionals(
              conditionals.ifMatch(), null, null, conditionals.ifUnmodifiedSince(), null);
    }
    Precondition precondition = conditionals.precondition("PUT");
    String contentType = exchange.header(HttpHeader.CONTENT_TYPE);
    boolean replacing = !refuseOverwrite && exists(key);
    Source body =
        new RequestBodySource(exchange.request(), "request body of PUT /objects/" + key, declared);
    IngestionReport report =
        store(
            key,
            body,
            new BlobSpec(contentType, !refuseOverwrite, digests.sha256(), precondition),
            digests,
            Request.getRemoteAddr(exchange.request()),
            exchange);
    exchange.header(HttpHeader.LOCATION, ObjectPaths.of(key));
    // RFC 9110 §9.3.4: 201 for a new object, 200 for one that replaced another
    exchange.respond(replacing ? 200 : 201, describe(key, report));
  }

  /**
   * Whether an object is stored under {@code key} now, before the upload: a concurrent writer may
   * create one meanwhile, and the answer then says 201 for what became a replacement.
   */
  private boolean exists(String key) throws IOException {
    Optional<Blob> found;
    try {
      found = store.find(key);
    } catch (IllegalArgumentException e) {
      return false; // the store refuses the key: create() says why, as a 400
    }
    if (found.isEmpty()) {
      return false;
    }
    found.get().close();
    return true;
  }

  /**
   * Runs one body into a new blob and returns the committed report.
   *
   * @throws HttpProblem with the status matching why it was aborted
   * @throws IngestionException for a client disconnect (no response can be sent)
   */
  IngestionReport store(
      String key, Source body, BlobSpec spec, DigestHeaders digests, String client)
      throws Exception {
    return store(key, body, spec, digests, client, null);
  }

  /**
   * As {@link #store(String, Source, BlobSpec, DigestHeaders, String)}; a transfer cut off (client
   * gone, shutdown, too slow) is named in the access line of {@code exchange}, when there is one.
   *
   * @param client the client's address listed beside the upload, or null when unknown
   */
  IngestionReport store(
      String key,
      Source body,
      BlobSpec spec,
      DigestHeaders digests,
      String client,
      Exchange exchange)
      throws Exception {
    Sink sink;
    try {
      sink = store.create(key, spec);
    } catch (IllegalArgumentException e) {
      body.close();
      throw new HttpProblem(400, e.getMessage());
    } catch (FileAlreadyExistsException e) {
      body.close();
      throw new HttpProblem(412, "object '" + key + "' exists and If-None-Match: * was sent");
    } catch (PreconditionFailedException e) {
      body.close();
      throw preconditionFailed(key);
    } catch (InsufficientStorageException e) {
      body.close();
      throw noSpace(key);
    } catch (java.nio.file.FileSystemException e) {
      body.close();
      throw new HttpProblem(409, "cannot store '" + key + "': " + e.getReason());
    } catch (MemoryExhaustedException e) { // the store's own buffers (S3 parts), before reading
      body.close();
      throw busyBeforeReading(e, "upload");
    } catch (StoreUnavailableException e) { // e.g. its database's connections all busy
      body.close();
      throw e; // the router answers 503
    }
    Ingestion ingestion =
        Ingestion.from(body).through(Transforms.limit(context.config().maxBodySize(), "body size"));
    if (digests.sha512() != null) {
      ingestion.through(Transforms.sha512(digests.sha512()));
    }
    if (digests.md5() != null) {
      ingestion.through(Transforms.md5(digests.md5()));
    }
    ingestion
        .to(sink)
        .listener(new Meter())
        .listedAs(Direction.UPLOAD.kind(), key, TransferRow.attributes(client, 0));
    IngestionJob job = context.start(ingestion);
    try {
      IngestionReport report = await(job);
      context
          .metrics()
          .ended(Direction.UPLOAD, null, report.bytesIn(), report.duration(), pipeline(digests));
      return report;
    } catch (IngestionException e) {
      context
          .metrics()
          .ended(Direction.UPLOAD, e.reason(), e.report().bytesIn(), e.report().duration());
      if (exchange != null && cutOff(e.reason())) {
        AccessLog.aborted(exchange, "upload", e.reason(), e.report().bytesIn());
      }
      Exception problem = problemFor(key, e);
      if (problem instanceof HttpProblem answer
          && (answer.status() < 500 || e.getCause() instanceof MemoryExhaustedException)) {
        answer.report(report(key, e.report())); // what was read before it was refused
      }
      throw problem;
    }
  }

  /** A transfer stopped from outside, not refused for what it carried. */
  private static boolean cutOff(AbortReason reason) {
    return reason == AbortReason.CLIENT_DISCONNECT
        || reason == AbortReason.SHUTDOWN
        || reason == AbortReason.TIMEOUT
        || reason == AbortReason.CANCELLED;
  }

  /**
   * The answer when the store had no memory to open the write (its own buffers, such as S3 parts):
   * a 503 that closes the connection, since nothing of the body, of which {@code what} says, was
   * read.
   */
  static HttpProblem busyBeforeReading(MemoryExhaustedException e, String what) {
    return new HttpProblem(
        503,
        "the server is busy: " + e.getMessage() + "; nothing of this " + what + " was read",
        Map.of("Retry-After", "1", "Connection", "close"));
  }

  /**
   * The report of an upload's ingestion, run on another thread: an interrupt cancels it, and its
   * failure is thrown as the exception it was.
   */
  static IngestionReport await(IngestionJob job) throws Exception {
    try {
      return job.get();
    } catch (InterruptedException e) {
      job.cancel(AbortReason.CANCELLED);
      Thread.currentThread().interrupt();
      throw e;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** The answer for an aborted upload; a disconnect is rethrown as is (nobody is listening). */
  private static Exception problemFor(String key, IngestionException e) {
    Throwable root = e.getCause();
    return switch (e.reason()) {
      case DIGEST_MISMATCH ->
          root instanceof DigestMismatchException m
              ? new HttpProblem(
                  400,
                  "digest mismatch for '"
                      + key
                      + "': "
                      + m.algorithm()
                      + " expected "
                      + m.expected()
                      + " but the body has "
                      + m.actual()
                      + "; nothing was stored")
              : new HttpProblem(400, root.getMessage() + "; nothing was stored");
      case LIMIT_EXCEEDED ->
          root instanceof MemoryExhaustedException
              ? new HttpProblem(
                  503,
                  "the server is busy: " + root.getMessage() + "; nothing was stored",
                  Map.of("Retry-After", "1"))
              : new HttpProblem(
                  413,
                  (root instanceof LimitExceededException l ? l.getMessage() : root.getMessage())
                      + "; nothing was stored");
      case INVALID_INPUT -> new HttpProblem(400, root.getMessage());
      case SHUTDOWN -> new HttpProblem(503, "the server is shutting down; nothing was stored");
      case TIMEOUT -> tooSlow(root.getMessage() + "; nothing was stored");
      case CLIENT_DISCONNECT -> e;
      default ->
          root instanceof FileAlreadyExistsException
              ? new HttpProblem(412, "object '" + key + "' exists and If-None-Match: * was sent")
              : root instanceof PreconditionFailedException
                  ? preconditionFailed(key)
                  : InsufficientStorageException.isOutOfSpace(root)
                      ? noSpace(key)
                      : new HttpProblem(
                          500,
                          "upload of '"
                              + key
                              + "' failed ("
                              + e.reason()
                              + "): "
                              + root.getMessage()
                              + "; nothing was stored");
    };
  }

  /** 412: a conditional header does not hold for the key's current version. */
  static HttpProblem preconditionFailed(String key) {
    return new HttpProblem(
        412,
        "a precondition (If-Match, If-None-Match or If-Unmodified-Since) does not hold for the"
            + " current version of '"
            + key
            + "'; nothing was changed");
  }

  /** 507: the store is full. */
  private static HttpProblem noSpace(String key) {
    return new HttpProblem(507, "no space left in the store for '" + key + "'; nothing was stored");
  }

  /** 408 for a body cut off below the minimum data rate; the connection is closed after it. */
  static HttpProblem tooSlow(String message) {
    return new HttpProblem(408, message, Map.of("Connection", "close"));
  }

  static Map<String, Object> describe(String key, IngestionReport report) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", key);
    out.put("bytes", report.bytesIn());
    out.put("sha256", sha256(report));
    Duration took = report.duration();
    out.put("durationMs", took.toNanos() / 1e6);
    out.put("mibPerSecond", Math.round(report.mibPerSecond() * 10) / 10.0);
    out.put("chunks", report.chunks());
    out.put("chunkWriteP99Ms", report.chunkWriteLatency().p99().toNanos() / 1e6);
    out.put("report", report(key, report));
    return out;
  }

  /**
   * The report in the schema the CLI's {@code --json} prints too, with the object's path in place
   * of the store's location (a server path is never shown).
   */
  private static Map<String, Object> report(String key, IngestionReport report) {
    Map<String, Object> fields = ReportSchema.fields(report);
    if (report.receipt() != null) {
      Map<String, Object> receipt = new LinkedHashMap<>();
      receipt.put("location", ObjectPaths.of(key));
      receipt.put("details", report.receipt().details());
      fields.put("receipt", receipt);
    }
    return fields;
  }

  /** The throughput label of an upload: the digests it checks beyond the SHA-256 every one has. */
  private static String pipeline(DigestHeaders digests) {
    String extra =
        (digests.sha512() != null ? "+sha512" : "") + (digests.md5() != null ? "+md5" : "");
    return extra.isEmpty() ? ServerMetrics.BASELINE : extra.substring(1);
  }

  static String sha256(IngestionReport report) {
    String fromStore = report.receipt() == null ? null : report.receipt().details().get("sha256");
    return fromStore != null ? fromStore : report.digests().get("sha256");
  }

  private static String trim(String value) {
    return value == null ? null : value.trim();
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
