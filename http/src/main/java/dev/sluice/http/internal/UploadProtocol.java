package dev.sluice.http.internal;

import java.util.Locale;
import java.util.Map;

/**
 * Which resumable-upload protocol a request speaks, from its headers: tus 1.0 ({@code
 * Tus-Resumable}) or the IETF draft ({@code Upload-Complete}, {@code
 * Upload-Draft-Interop-Version}), with the draft's interop version where one was sent.
 *
 * @param tus true for tus 1.0, false for the IETF draft
 * @param interopVersion the IETF draft interop version sent, or -1 (the latest draft's rules)
 */
record UploadProtocol(boolean tus, int interopVersion) {

  static final String TUS_VERSION = "1.0.0";

  /** The tus media type of an append's body. */
  static final String TUS_CONTENT_TYPE = "application/offset+octet-stream";

  /** The IETF draft's media type of an append's body. */
  static final String PARTIAL_UPLOAD = "application/partial-upload";

  /**
   * The first interop version (draft -04) that requires {@link #PARTIAL_UPLOAD} on appends:
   * tus-js-client 4.3 sends 5 for its "ietf-draft-03" mode (no content type) and 6 for
   * "ietf-draft-05".
   */
  static final int PARTIAL_UPLOAD_REQUIRED_FROM = 6;

  /** Whether {@code exchange} asks to create a resumable upload (at its target URL). */
  static boolean isCreation(Exchange exchange) {
    return exchange.header("Tus-Resumable") != null
        || exchange.header("Upload-Complete") != null
        || exchange.header("Upload-Draft-Interop-Version") != null;
  }

  /**
   * The protocol of a request.
   *
   * @throws HttpProblem 412 for a tus version other than 1.0.0, 400 for a malformed interop version
   */
  static UploadProtocol of(Exchange exchange) {
    String tus = exchange.header("Tus-Resumable");
    if (tus != null) {
      if (!tus.trim().equals(TUS_VERSION)) {
        throw new HttpProblem(
            412,
            "Tus-Resumable "
                + UploadHeaders.printable(tus)
                + " is not supported: this server speaks tus "
                + TUS_VERSION,
            Map.of("Tus-Version", TUS_VERSION));
      }
      exchange.header("Tus-Resumable", TUS_VERSION);
      return new UploadProtocol(true, -1);
    }
    String interop = exchange.header("Upload-Draft-Interop-Version");
    int version = (int) UploadHeaders.integer("Upload-Draft-Interop-Version", interop);
    if (interop != null) {
      exchange.header("Upload-Draft-Interop-Version", Integer.toString(version));
    }
    return new UploadProtocol(false, version);
  }

  /**
   * The last interop version whose client completes by length: tus-js-client 4.3.1 (sending 5 or 6)
   * marks a chunk {@code Upload-Complete: ?1} only when it covers the whole file (its file source's
   * {@code slice} tests the chunk's size against the file's), so the last of several chunks says
   * {@code ?0}, and it then takes {@code Upload-Offset == Upload-Length} as done.
   */
  static final int COMPLETES_AT_LENGTH_UNTIL = 6;

  /**
   * Whether an upload whose bytes reach its declared length is complete without {@code
   * Upload-Complete: ?1}: always in tus; for the draft only with the interop versions of clients
   * that rely on it ({@link #COMPLETES_AT_LENGTH_UNTIL}), since the draft itself says the offset
   * may equal the length while the upload is still incomplete.
   */
  boolean completesAtLength() {
    return tus || (interopVersion >= 0 && interopVersion <= COMPLETES_AT_LENGTH_UNTIL);
  }

  /** Whether an append's body must be labelled {@link #PARTIAL_UPLOAD}. */
  boolean requiresPartialUploadType() {
    return !tus && (interopVersion < 0 || interopVersion >= PARTIAL_UPLOAD_REQUIRED_FROM);
  }

  /**
   * Checks an append's {@code Content-Type}: tus needs {@link #TUS_CONTENT_TYPE}, the draft {@link
   * #PARTIAL_UPLOAD} (from interop version 6; earlier versions sent none).
   *
   * @throws HttpProblem 415 naming the type required
   */
  void checkAppendType(String contentType) {
    String type =
        contentType == null ? null : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (tus && !TUS_CONTENT_TYPE.equals(type)) {
      throw new HttpProblem(
          415,
          "a tus PATCH must have Content-Type: "
              + TUS_CONTENT_TYPE
              + ", not "
              + (contentType == null ? "none" : UploadHeaders.printable(contentType)));
    }
    if (requiresPartialUploadType() && !PARTIAL_UPLOAD.equals(type)) {
      throw new HttpProblem(
          415,
          "an upload append must have Content-Type: "
              + PARTIAL_UPLOAD
              + ", not "
              + (contentType == null ? "none" : UploadHeaders.printable(contentType)),
          Map.of("Accept-Patch", PARTIAL_UPLOAD));
    }
  }

  /** How an unknown or expired upload is answered: tus 410 for expired, else 404. */
  HttpProblem gone(String id, boolean expired) {
    if (expired && tus) {
      return new HttpProblem(410, "upload " + id + " expired");
    }
    return new HttpProblem(404, "no upload " + id + (expired ? " (it expired)" : ""));
  }
}
