package dev.sluice.http.internal;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.blob.InsufficientStorageException;
import dev.sluice.core.blob.PreconditionFailedException;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadException;
import dev.sluice.core.upload.UploadStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumable uploads over HTTP, tus 1.0 and the IETF draft ("Resumable Uploads for HTTP", -15, and
 * the interop versions tus-js-client 4.3 sends), over one {@link UploadStore}.
 *
 * <p>An upload is created at its target, {@code POST /objects/KEY} (tus, or the draft's POST/PUT
 * with {@code Upload-Complete}), where auth, {@code --max-body}, {@code If-None-Match: *} and the
 * key rules apply as to a plain PUT; its resource is {@code /uploads/ID} (in {@code Location}),
 * with an unguessable id, usable only with the credentials that created it. HEAD there gives the
 * offset (ending an append still running, so the offset is one the next append is held to), PATCH
 * appends, DELETE cancels; the append whose bytes reach the declared length (tus) or that says
 * {@code Upload-Complete: ?1} (IETF) publishes the object, with the SHA-256 of the whole of it.
 *
 * <p><b>Other targets.</b> A creation request at the URL of an {@link UploadTarget} (e.g. {@code
 * POST /tables/events}) stages the bytes as an object under a key of the target's namespace; the
 * request that completes the upload publishes that object, streams it into the target (rows, in one
 * transaction) and deletes it, answering what the target's plain write answers: the IETF draft's
 * 201 carries its JSON body, tus's 204 a {@code Sluice-Rows} header. If the load fails (a malformed
 * row, a missing table) nothing is committed, the completing request gets the target's 4xx or 5xx,
 * and the upload is discarded with its staged bytes: they could only fail again, so the client
 * starts a new upload (a later HEAD is a 404), as when publishing an object fails. While the staged
 * object exists a HEAD answers 423 with {@code Retry-After} (tus-js-client retries on it) rather
 * than the complete offset, so a client that resumes during the load waits for its outcome, and one
 * whose server was killed during the load gives up instead of taking rows never committed for done;
 * the sweeper deletes the upload and its staged object when the upload expires.
 *
 * <p><b>One request per upload at a time, across nodes.</b> Each request that works on an upload
 * holds its lease ({@link UploadLeases}) while it does, once the caller is known to own it: a
 * request on another node (or on this one) that wants the upload asks for the lease, which ends the
 * append in progress at its durable offset. The interrupted append is answered 409 (its connection
 * closed), the newer request is checked against the offset the store then holds (409 {@code
 * mismatching-upload-offset} when it differs). Closed by the server's shutdown.
 */
public final class ResumableUploads implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ResumableUploads.class);

  /** Where upload resources live. */
  public static final String PATH = "/uploads/";

  private static final String TUS_EXTENSIONS =
      "creation,creation-with-upload,creation-defer-length,termination,checksum,expiration";
  private static final String PROBLEM_TYPE = "https://iana.org/assignments/http-problem-types#";
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private final UploadStore uploads;
  private final BlobStore objects;
  private final ServerContext context;
  private final Clock clock;
  private final UploadAppender appender;
  private final StagedLoads staged;
  private final UploadLeases leases;

  public ResumableUploads(
      UploadStore uploads,
      BlobStore objects,
      ServerContext context,
      Clock clock,
      List<UploadTarget> targets) {
    this.uploads = uploads;
    this.objects = objects;
    this.context = context;
    this.clock = clock;
    this.staged = new StagedLoads(targets, uploads, objects);
    this.appender = new UploadAppender(uploads, ServerMetrics.sinkOf(objects.describe()), context);
    this.leases = UploadLeases.of(context.cluster());
  }

  /** The leases on uploads, for the sweeper. */
  UploadLeases leases() {
    return leases;
  }

  /** Closes the leases' coordination when it is this server's own. */
  @Override
  public void close() {
    leases.close();
  }

  /** The store of uploads, for the sweeper. */
  UploadStore store() {
    return uploads;
  }

  /** The target whose URLs {@code path} is one of, if any. */
  public Optional<UploadTarget> targetOf(String path) {
    return staged.targetOf(path);
  }

  /** Appends running now. */
  int appending() {
    return appender.running();
  }

  /** {@code OPTIONS} on an object or upload URL: what both protocols advertise. */
  public void options(Exchange exchange) throws IOException {
    exchange.header("Tus-Resumable", UploadProtocol.TUS_VERSION);
    exchange.header("Tus-Version", UploadProtocol.TUS_VERSION);
    exchange.header("Tus-Extension", TUS_EXTENSIONS);
    exchange.header("Tus-Max-Size", Long.toString(maxSize()));
    exchange.header("Tus-Checksum-Algorithm", UploadHeaders.CHECKSUM_ALGORITHMS);
    exchange.header(
        "Accept-Patch", UploadProtocol.PARTIAL_UPLOAD + ", " + UploadProtocol.TUS_CONTENT_TYPE);
    exchange.header("Upload-Limit", limits(null));
    noContent(exchange, 204);
  }

  /** Creation at the target: {@code POST /objects/KEY} (tus or IETF) or {@code PUT} (IETF). */
  public void create(Exchange exchange, String key) throws Exception {
    create(exchange, key, null);
  }

  /** Creation at the URL of {@code target}, e.g. {@code POST /tables/events}. */
  public void create(Exchange exchange, UploadTarget target) throws Exception {
    create(exchange, null, target);
  }

  private void create(Exchange exchange, String objectKey, UploadTarget target) throws Exception {
    UploadProtocol protocol = UploadProtocol.of(exchange);
    if (protocol.tus() && !exchange.method().equals("POST")) {
      throw new HttpProblem(
          405, "tus creates uploads with POST, not " + exchange.method(), Map.of("Allow", "POST"));
    }
    boolean refuseOverwrite = "*".equals(trim(exchange.header(HttpHeader.IF_NONE_MATCH)));
    if (target == null) {
      checkKey(objectKey, refuseOverwrite);
    }
    long declared = exchange.request().getLength();
    String metadata = exchange.header("Upload-Metadata");
    UploadHeaders.checkMetadata(metadata);
    long length;
    String contentType;
    String expectedSha256 = null;
    boolean complete = false;
    boolean hasBody;
    if (protocol.tus()) {
      length = UploadHeaders.integer("Upload-Length", exchange.header("Upload-Length"));
      String defer = exchange.header("Upload-Defer-Length");
      if (length < 0 && defer == null) {
        throw new HttpProblem(400, "a tus creation needs Upload-Length or Upload-Defer-Length: 1");
      }
      if (defer != null && (length >= 0 || !defer.trim().equals("1"))) {
        throw new HttpProblem(400, "Upload-Defer-Length must be 1, and only without Upload-Length");
      }
      contentType = UploadHeaders.mediaTypeOf(metadata);
      String bodyType = exchange.header(HttpHeader.CONTENT_TYPE);
      boolean tusBody =
          bodyType != null
              && bodyType
                  .trim()
                  .toLowerCase(java.util.Locale.ROOT)
                  .startsWith(UploadProtocol.TUS_CONTENT_TYPE);
      hasBody = declared > 0 || (declared < 0 && tusBody);
      if (hasBody) {
        protocol.checkAppendType(bodyType);
      }
    } else {
      Boolean completeHeader =
          UploadHeaders.bool("Upload-Complete", exchange.header("Upload-Complete"));
      if (completeHeader == null) {
        throw new HttpProblem(400, "an upload creation needs Upload-Complete: ?0 or ?1");
      }
      complete = completeHeader;
      length = UploadHeaders.integer("Upload-Length", exchange.header("Upload-Length"));
      if (complete && declared >= 0) {
        if (length >= 0 && length != declared) {
          throw inconsistentLength(
              protocol, "Upload-Length " + length + " differs from the Content-Length " + declared);
        }
        length = declared;
      }
      contentType = exchange.header(HttpHeader.CONTENT_TYPE);
      expectedSha256 = DigestHeaders.parse(null, exchange.header("Repr-Digest"), null).sha256();
      hasBody = declared != 0;
    }
    if (length > maxSize()) {
      throw tooLarge(protocol, "Upload-Length " + length, maxSize());
    }
    // a staging key is fresh: completion refuses to overwrite whatever might hold it
    String key = target == null ? objectKey : target.stagingKey(exchange, contentType);
    Upload upload =
        uploads.create(
            new NewUpload(
                key,
                length,
                contentType,
                metadata,
                Owner.of(exchange),
                clock.instant().plus(expiry()),
                target == null && !refuseOverwrite,
                expectedSha256));
    context.metrics().resumableUpload("created");
    String location = PATH + upload.id();
    exchange.header(HttpHeader.LOCATION, location);
    if (!protocol.tus() && hasBody) {
      HttpFields.Mutable interim = HttpFields.build();
      interim.put(HttpHeader.LOCATION, location);
      interim.put("Upload-Limit", limits(upload));
      if (protocol.interopVersion() >= 0) {
        interim.put("Upload-Draft-Interop-Version", Integer.toString(protocol.interopVersion()));
      }
      interim(exchange, interim);
    }
    boolean completesEmpty =
        protocol.tus() ? upload.lengthKnown() && upload.length() == 0 : complete;
    if (!hasBody && !completesEmpty) {
      answerCreated(exchange, protocol, upload, 0); // nothing to append or publish: no lease
      return;
    }
    try (UploadHold hold = leases.hold(upload.id())) {
      long offset = hasBody ? appender.append(exchange, protocol, upload, 0, declared, hold) : 0;
      if (protocol.tus() && upload.lengthKnown() && offset == upload.length()) {
        exchange.header("Upload-Offset", Long.toString(offset));
        completeTus(exchange, protocol, upload, hold);
      } else if (!protocol.tus() && complete) {
        exchange.header("Upload-Offset", Long.toString(offset));
        completeIetf(exchange, protocol, upload, hold);
        return;
      }
      answerCreated(exchange, protocol, upload, offset);
    }
  }

  /** The answer to a creation that left the upload at {@code offset} (tus: complete or not). */
  private void answerCreated(Exchange exchange, UploadProtocol protocol, Upload upload, long offset)
      throws IOException {
    exchange.header("Upload-Offset", Long.toString(offset));
    if (protocol.tus()) {
      exchange.header("Upload-Expires", HTTP_DATE.format(upload.expires()));
      noContent(exchange, 201);
      return;
    }
    exchange.header("Upload-Complete", "?0");
    exchange.header("Upload-Limit", limits(upload));
    noContent(exchange, 201);
  }

  /** {@code HEAD /uploads/ID}: the offset a client resumes from. */
  public void head(Exchange exchange, String id) throws IOException {
    UploadProtocol protocol = UploadProtocol.of(exchange);
    owned(exchange, protocol, id, uploads.recorded(id)); // before it may end another's append
    Upload upload;
    UploadHold hold = leases.hold(id); // ends an append in progress, wherever it runs
    try {
      upload = owned(exchange, protocol, id, uploads.settle(id));
    } finally {
      hold.close();
    }
    if (staged.loading(upload)) {
      throw new HttpProblem(
          423,
          "upload "
              + id
              + " is complete but its bytes have not finished loading (or their load was"
              + " interrupted); ask again later",
          Map.of("Retry-After", "1"));
    }
    exchange.header("Upload-Offset", Long.toString(upload.offset()));
    exchange.header(HttpHeader.CACHE_CONTROL, "no-store");
    if (!upload.complete() && upload.offset() > 0) {
      context.metrics().resumableUpload("resumed");
    }
    if (protocol.tus()) {
      if (upload.lengthKnown()) {
        exchange.header("Upload-Length", Long.toString(upload.length()));
      } else {
        exchange.header("Upload-Defer-Length", "1");
      }
      if (upload.metadata() != null && !upload.metadata().isBlank()) {
        exchange.header("Upload-Metadata", upload.metadata());
      }
      exchange.header("Upload-Expires", HTTP_DATE.format(upload.expires()));
      noContent(exchange, 200);
      return;
    }
    exchange.header("Upload-Complete", upload.complete() ? "?1" : "?0");
    if (upload.lengthKnown()) {
      exchange.header("Upload-Length", Long.toString(upload.length()));
    }
    exchange.header("Upload-Limit", limits(upload));
    noContent(exchange, 204);
  }

  /** {@code PATCH /uploads/ID}: appends the body at {@code Upload-Offset}. */
  public void patch(Exchange exchange, String id) throws Exception {
    UploadProtocol protocol = UploadProtocol.of(exchange);
    owned(exchange, protocol, id, uploads.recorded(id)); // before it may end another's append
    try (UploadHold hold = leases.hold(id)) {
      patch(exchange, protocol, owned(exchange, protocol, id, uploads.settle(id)), hold);
    }
  }

  private void patch(Exchange exchange, UploadProtocol protocol, Upload upload, UploadHold hold)
      throws Exception {
    String id = upload.id();
    long declared = exchange.request().getLength();
    if (upload.complete()) {
      throw declared > 0
          ? inconsistentLength(protocol, "upload " + id + " is complete and takes no more bytes")
          : completed(protocol, id);
    }
    protocol.checkAppendType(exchange.header(HttpHeader.CONTENT_TYPE));
    long offset = UploadHeaders.integer("Upload-Offset", exchange.header("Upload-Offset"));
    if (offset < 0) {
      throw new HttpProblem(400, "an append needs Upload-Offset");
    }
    long length = UploadHeaders.integer("Upload-Length", exchange.header("Upload-Length"));
    boolean complete = false;
    if (!protocol.tus()) {
      Boolean completeHeader =
          UploadHeaders.bool("Upload-Complete", exchange.header("Upload-Complete"));
      if (completeHeader == null) {
        throw new HttpProblem(400, "an upload append needs Upload-Complete: ?0 or ?1");
      }
      complete = completeHeader;
      if (complete && declared >= 0) {
        if (length >= 0 && length != offset + declared) {
          throw inconsistentLength(
              protocol,
              "Upload-Length "
                  + length
                  + " differs from Upload-Offset plus Content-Length, "
                  + (offset + declared));
        }
        length = offset + declared;
      }
    }
    if (length > maxSize()) {
      throw tooLarge(protocol, "Upload-Length " + length, maxSize());
    }
    if (length >= 0 && (!upload.lengthKnown() || upload.length() != length)) {
      try {
        upload = uploads.declareLength(id, length);
      } catch (UploadException e) {
        throw problem(protocol, e);
      }
    }
    if (upload.lengthKnown() && declared > upload.length() - offset && offset <= upload.length()) {
      throw tooLarge(
          protocol,
          "Content-Length " + declared + " at offset " + offset,
          upload.length() - offset);
    }
    long reached = appender.append(exchange, protocol, upload, offset, declared, hold);
    exchange.header("Upload-Offset", Long.toString(reached));
    if (!protocol.tus() && !complete && protocol.completesAtLength()) {
      complete = upload.lengthKnown() && reached == upload.length();
    }
    if (protocol.tus()) {
      if (upload.lengthKnown() && reached == upload.length()) {
        completeTus(exchange, protocol, upload, hold);
      }
      exchange.header("Upload-Expires", HTTP_DATE.format(upload.expires()));
      noContent(exchange, 204);
      return;
    }
    if (complete) {
      completeIetf(exchange, protocol, upload, hold);
      return;
    }
    exchange.header("Upload-Complete", "?0");
    noContent(exchange, 204);
  }

  /** {@code DELETE /uploads/ID}: cancels the upload, ending any append still running. */
  public void delete(Exchange exchange, String id) throws IOException {
    UploadProtocol protocol = UploadProtocol.of(exchange);
    owned(exchange, protocol, id, uploads.recorded(id), true);
    UploadHold hold = leases.hold(id); // ends an append in progress, wherever it runs
    try {
      uploads.cancel(id);
    } finally {
      hold.close();
    }
    context.metrics().resumableUpload("cancelled");
    noContent(exchange, 204);
  }

  /**
   * tus: completes the upload (its object, or its target's load); the 201 or 204 that follows says
   * the rows a target committed in {@code Sluice-Rows}.
   */
  private void completeTus(
      Exchange exchange, UploadProtocol protocol, Upload upload, UploadHold hold) throws Exception {
    Optional<UploadTarget> target = staged.staging(upload.key());
    if (target.isEmpty()) {
      publish(exchange, protocol, upload, hold);
      return;
    }
    Object rows = load(exchange, protocol, upload, target.get(), hold).get("rows");
    if (rows != null) {
      exchange.header("Sluice-Rows", rows.toString());
    }
  }

  /** IETF: completes the upload and answers what a plain write of the same bytes answers. */
  private void completeIetf(
      Exchange exchange, UploadProtocol protocol, Upload upload, UploadHold hold) throws Exception {
    Optional<UploadTarget> target = staged.staging(upload.key());
    if (target.isEmpty()) {
      answerCompleted(exchange, upload, publish(exchange, protocol, upload, hold));
      return;
    }
    Map<String, Object> body =
        new LinkedHashMap<>(load(exchange, protocol, upload, target.get(), hold));
    body.put("upload", upload.id());
    exchange.header("Upload-Complete", "?1");
    exchange.respond(201, body);
  }

  /**
   * Publishes the upload's staged object, streams it into {@code target} and deletes it; on a
   * failure to load, the upload is discarded too (see the class comment).
   */
  private Map<String, Object> load(
      Exchange exchange,
      UploadProtocol protocol,
      Upload upload,
      UploadTarget target,
      UploadHold hold)
      throws Exception {
    publish(exchange, protocol, upload, hold);
    return staged.load(upload, target);
  }

  /** Deletes the staged object of {@code upload} if it has one (for the sweeper). */
  void discardStaged(Upload upload) {
    staged.discard(upload);
  }

  /** Publishes the upload as its object; the answer to a refusal names the rule. */
  private Receipt publish(
      Exchange exchange, UploadProtocol protocol, Upload upload, UploadHold hold)
      throws IOException {
    String key = upload.key();
    hold.requireHeld(); // a node that lost the upload to another publishes nothing
    try {
      Receipt receipt = uploads.complete(upload.id());
      context.metrics().resumableUpload("completed");
      return receipt;
    } catch (UploadException e) {
      throw problem(protocol, e);
    } catch (FileAlreadyExistsException e) {
      throw new HttpProblem(412, "object '" + key + "' exists and If-None-Match: * was sent");
    } catch (PreconditionFailedException e) {
      throw Uploads.preconditionFailed(key);
    } catch (DigestMismatchException e) {
      throw new HttpProblem(
          400,
          "digest mismatch for '"
              + key
              + "': Repr-Digest sha-256 expected "
              + e.expected()
              + " but the whole upload has "
              + e.actual()
              + "; nothing was stored");
    } catch (InsufficientStorageException e) {
      throw new HttpProblem(507, "no space left in the store for '" + key + "'");
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(400, e.getMessage());
    } catch (java.nio.file.FileSystemException e) {
      throw new HttpProblem(409, "cannot store '" + key + "': " + e.getReason());
    }
  }

  /** The IETF answer to the request that completed an upload: what a plain PUT answers. */
  private void answerCompleted(Exchange exchange, Upload upload, Receipt receipt)
      throws IOException {
    exchange.header("Upload-Complete", "?1");
    exchange.header(HttpHeader.LOCATION, ObjectPaths.of(upload.key()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("key", upload.key());
    body.put("bytes", Long.parseLong(receipt.details().getOrDefault("bytes", "0")));
    body.put("sha256", receipt.details().get("sha256"));
    body.put("upload", upload.id());
    exchange.respond(201, body);
  }

  /** The key must be one a plain PUT could store, and free when overwriting is refused. */
  private void checkKey(String key, boolean refuseOverwrite) throws IOException {
    try {
      if (objects.find(key).isPresent() && refuseOverwrite) {
        throw new HttpProblem(412, "object '" + key + "' exists and If-None-Match: * was sent");
      }
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(400, e.getMessage());
    }
  }

  private Upload owned(
      Exchange exchange, UploadProtocol protocol, String id, Optional<Upload> found) {
    return owned(exchange, protocol, id, found, false);
  }

  /**
   * The upload if it exists and belongs to the caller; otherwise the same 404 as for no upload, so
   * an id's existence is not given away.
   */
  private Upload owned(
      Exchange exchange,
      UploadProtocol protocol,
      String id,
      Optional<Upload> found,
      boolean evenExpired) {
    Upload upload =
        found
            .filter(u -> u.owner().equals(Owner.of(exchange)))
            .orElseThrow(() -> protocol.gone(id, false));
    if (!evenExpired && !upload.complete() && upload.expiredAt(clock.instant())) {
      throw protocol.gone(id, true);
    }
    return upload;
  }

  /** The answer to an {@link UploadException}, with the draft's problem type where it has one. */
  static HttpProblem problem(UploadProtocol protocol, UploadException e) {
    return switch (e.problem()) {
      case NOT_FOUND, EXPIRED -> new HttpProblem(404, e.getMessage());
      case MISMATCHING_OFFSET ->
          new HttpProblem(
              409,
              e.getMessage(),
              Map.of("Upload-Offset", Long.toString(e.expectedOffset())),
              protocol.tus()
                  ? Map.of()
                  : Map.of(
                      "type",
                      PROBLEM_TYPE + "mismatching-upload-offset",
                      "title",
                      "offset from request does not match offset of resource",
                      "expected-offset",
                      e.expectedOffset(),
                      "provided-offset",
                      e.providedOffset()));
      case COMPLETED -> completed(protocol, e.getMessage());
      case INCONSISTENT_LENGTH -> inconsistentLength(protocol, e.getMessage());
      case BUSY -> new HttpProblem(423, e.getMessage(), Map.of("Retry-After", "1"));
    };
  }

  private static HttpProblem completed(UploadProtocol protocol, String idOrMessage) {
    String message =
        idOrMessage.contains(" ") ? idOrMessage : "upload " + idOrMessage + " is already complete";
    return new HttpProblem(
        400,
        message,
        Map.of(),
        protocol.tus()
            ? Map.of()
            : Map.of(
                "type", PROBLEM_TYPE + "completed-upload", "title", "upload is already completed"));
  }

  private static HttpProblem inconsistentLength(UploadProtocol protocol, String message) {
    return new HttpProblem(
        400,
        message,
        Map.of(),
        protocol.tus()
            ? Map.of()
            : Map.of(
                "type",
                PROBLEM_TYPE + "inconsistent-upload-length",
                "title",
                "inconsistent length values for upload"));
  }

  private HttpProblem tooLarge(UploadProtocol protocol, String what, long maximum) {
    return new HttpProblem(
        413,
        what + " exceeds the maximum of " + maximum + " bytes",
        protocol.tus() ? Map.of() : Map.of("Upload-Limit", limits(null)));
  }

  /** The draft's {@code Upload-Limit}: the largest upload, and the time {@code upload} has left. */
  private String limits(Upload upload) {
    long maxAge =
        upload == null
            ? expiry().toSeconds()
            : Math.max(0, Duration.between(clock.instant(), upload.expires()).toSeconds());
    return "max-size=" + maxSize() + ", max-age=" + maxAge;
  }

  private long maxSize() {
    return context.config().maxBodySize();
  }

  private Duration expiry() {
    return context.config().uploadExpiry();
  }

  /**
   * Sends a 104 (Upload Resumption Supported) interim response where Jetty can give it headers:
   * HTTP/2 and later. Jetty 12's HTTP/1.1 generator writes the headers of a 101 or 103 only; any
   * other 1xx goes out as a bare status line, and a 104 without {@code Location} tells the client
   * nothing, so over HTTP/1.1 a client learns the upload's URL from the final response (or uses the
   * draft's careful creation: {@code Upload-Complete: ?0} with no body first, as tus-js-client
   * does).
   */
  private static void interim(Exchange exchange, HttpFields fields) {
    HttpVersion version = exchange.request().getConnectionMetaData().getHttpVersion();
    if (version.getVersion() < HttpVersion.HTTP_2.getVersion()) {
      return;
    }
    try {
      exchange.response().writeInterim(104, fields).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("no 104 interim response for {}: {}", exchange.path(), e.toString());
    }
  }

  /** Answers {@code status} with no body (and, for 204, no Content-Length). */
  private static void noContent(Exchange exchange, int status) throws IOException {
    exchange.status(status);
    if (status != 204) {
      exchange.response().getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
    }
    exchange.write(ByteBuffer.allocate(0), true);
    exchange.finish();
  }

  private static String trim(String value) {
    return value == null ? null : value.trim();
  }

  /** Who an upload belongs to: a hash of the credentials that created it, never the secret. */
  static final class Owner {
    private Owner() {}

    static String of(Exchange exchange) {
      String authorization = exchange.header(HttpHeader.AUTHORIZATION);
      if (authorization == null) {
        return "anonymous";
      }
      try {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update("sluice upload owner\0".getBytes(StandardCharsets.UTF_8));
        byte[] hash = sha256.digest(authorization.trim().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash, 0, 16);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK lacks SHA-256", e);
      }
    }
  }

  /** When an upload created now expires. */
  Instant expiresFromNow() {
    return clock.instant().plus(expiry());
  }
}
