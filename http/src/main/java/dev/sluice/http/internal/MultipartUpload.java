package dev.sluice.http.internal;

import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.job.IngestionReport;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Blocker;

/**
 * {@code POST /objects} with {@code multipart/form-data}: each part that carries a {@code filename}
 * is streamed into the store as its own object (key: the optional {@code ?prefix=} followed by the
 * file name) through the ingestion engine, without buffering the part. Jetty's push parser ({@link
 * MultiPart.Parser}) is fed from a blocking read loop; each slice of part content is handed to the
 * part's engine and waited for before the next network chunk is read. Parts without a file name
 * (plain form fields) are skipped; a body with no file part at all is a 400, so a 201 always means
 * every file given was stored.
 *
 * <p>A quoted {@code filename} is read by Jetty's RFC 7578/6266 parser ({@link
 * MultiPart.AbstractPartsListener}): quoted strings may hold {@code ;} and escaped quotes. An
 * extended {@code filename*=UTF-8''…} is decoded by {@link ExtendedFileName} (RFC 8187) and
 * preferred over {@code filename}. A part that names a file that cannot be decoded is a 400, never
 * silently skipped. Only the last path segment of a name is kept (browsers may send a path), and it
 * becomes the key as is: the key {@code "a b.txt"} is at {@code /objects/a%20b.txt}. Jetty trims
 * white space around a quoted name, even inside the quotes: {@code filename=" a "} is stored as
 * {@code a} (an extended name keeps it), and the response says so. The {@code prefix} is a query
 * parameter, decoded like a form field ({@code +} is a space, {@code %2B} a plus), and must itself
 * make a valid key.
 *
 * <p>The first part that fails ends the request with that part's error; parts committed before it
 * stay stored, and the error says which.
 */
final class MultipartUpload extends MultiPart.AbstractPartsListener {

  private static final int MAX_PARTS = 1000;
  private static final int MAX_PART_HEADERS = 8 * 1024;
  private static final Pattern NAMES_A_FILE = Pattern.compile("(?i)(^|[;\\s])filename\\*?\\s*=");

  private final Uploads uploads;
  private final Exchange exchange;
  private final String prefix;
  private final Keys keys;
  private final List<Map<String, Object>> stored = new ArrayList<>();

  private String disposition;
  private String partType;
  private int partNumber;
  private PartSource part;
  private CompletableFuture<IngestionReport> running;
  private String partKey;
  private Exception failure;
  private long bytesRead;

  MultipartUpload(Uploads uploads, Exchange exchange, String prefix, Keys keys) {
    this.uploads = uploads;
    this.exchange = exchange;
    this.prefix = prefix == null ? "" : prefix;
    this.keys = keys;
  }

  /** Parses the whole request body, storing each file part; returns what was stored. */
  List<Map<String, Object>> run() throws Exception {
    String contentType = exchange.header(HttpHeader.CONTENT_TYPE);
    String boundary = MultiPart.extractBoundary(contentType);
    if (boundary == null) {
      throw new HttpProblem(
          400,
          "POST /objects needs Content-Type: multipart/form-data; boundary=…, got " + contentType);
    }
    MultiPart.Parser parser = new MultiPart.Parser(boundary, this);
    parser.setMaxParts(MAX_PARTS);
    parser.setPartHeadersMaxLength(MAX_PART_HEADERS);
    Content.Source body = exchange.request();
    try {
      while (failure == null) {
        Content.Chunk chunk = body.read();
        if (chunk == null) {
          try (Blocker.Runnable ready = Blocker.runnable()) {
            body.demand(ready);
            ready.block();
          }
          continue;
        }
        if (Content.Chunk.isFailure(chunk)) {
          throw SlowClientException.bodyFailed(
              "the multipart body", bytesRead, exchange.request().getLength(), chunk.getFailure());
        }
        bytesRead += chunk.remaining();
        boolean last = chunk.isLast();
        try {
          parser.parse(chunk);
        } finally {
          chunk.release();
        }
        if (last) {
          break;
        }
      }
      if (failure != null) {
        throw failure;
      }
      if (part != null) {
        throw new HttpProblem(400, "multipart body ended inside part '" + partKey + "'");
      }
      if (stored.isEmpty()) {
        throw new HttpProblem(
            400,
            "POST /objects stores the file parts of a multipart/form-data body (parts whose"
                + " Content-Disposition has a filename), and this body has no file part");
      }
    } finally {
      if (part != null) {
        part.close(); // the running part's engine aborts: nothing partial is stored
        awaitQuietly();
      }
    }
    return stored;
  }

  @Override
  public void onPartBegin() {
    disposition = null;
    partType = null;
    partNumber++;
  }

  @Override
  public void onPartHeader(String name, String value) {
    super.onPartHeader(name, value); // parses name, filename and filename*
    if (HttpHeader.CONTENT_DISPOSITION.is(name)) {
      disposition = value;
    } else if (HttpHeader.CONTENT_TYPE.is(name)) {
      partType = value;
    }
  }

  @Override
  public void onPartHeaders() {
    if (failure != null) {
      return;
    }
    String fileName = fileName();
    if (fileName == null) {
      return; // a plain form field, or a name that cannot be decoded: not an object
    }
    fileName = lastSegment(fileName);
    if (fileName.isEmpty()) {
      return; // a file input with no file chosen: browsers send filename=""
    }
    try {
      partKey = keys.validate(prefix + fileName);
      part = new PartSource("part '" + fileName + "' of POST /objects");
      PartSource source = part;
      String key = partKey;
      BlobSpec spec = new BlobSpec(partType, true, null);
      running = new CompletableFuture<>();
      CompletableFuture<IngestionReport> result = running;
      Thread.ofVirtual()
          .name("sluice-part-" + fileName)
          .start(
              () -> {
                try {
                  result.complete(
                      uploads.store(
                          key,
                          source,
                          spec,
                          DigestHeaders.NONE,
                          Request.getRemoteAddr(exchange.request())));
                } catch (Throwable t) {
                  result.completeExceptionally(t);
                }
              });
    } catch (HttpProblem e) {
      failure = e;
    }
  }

  /**
   * The part's file name: its {@code filename*} as RFC 8187 decodes it, else Jetty's reading of its
   * {@code filename}; {@code null} (with {@link #failure} set if it named a file) if there is none.
   */
  private String fileName() {
    if (disposition == null) {
      return null;
    }
    String reason = "";
    try {
      String extended = ExtendedFileName.of(disposition);
      if (extended != null) {
        return extended;
      }
      String quoted = getFileName();
      if (quoted != null || !NAMES_A_FILE.matcher(disposition).find()) {
        return quoted;
      }
    } catch (IllegalArgumentException e) {
      reason = " (" + e.getMessage() + ")";
    }
    failure =
        new HttpProblem(
            400,
            "part "
                + partNumber
                + " of POST /objects names a file that cannot be decoded"
                + reason
                + ": a name is filename=\"…\" (RFC 6266) or filename*=UTF-8''… (RFC 8187),"
                + " got Content-Disposition: "
                + disposition);
    return null;
  }

  @Override
  public void onPartContent(Content.Chunk chunk) {
    try {
      if (part != null && failure == null) {
        part.offer(chunk.getByteBuffer());
      }
    } catch (InterruptedIOException e) {
      failure = e; // the parser owns the chunk: it is not released here
    }
  }

  @Override
  public void onPartEnd() {
    try {
      endPart();
    } finally {
      super.onPartEnd(); // forgets this part's name and file name
    }
  }

  /** Parts are streamed as they arrive: there is nothing left to do once one has been parsed. */
  @Override
  public void onPart(String name, String fileName, HttpFields headers) {}

  private void endPart() {
    if (part == null || failure != null) {
      return;
    }
    part.end();
    try {
      IngestionReport report = running.get();
      stored.add(Uploads.describe(partKey, report));
    } catch (ExecutionException e) {
      failure =
          e.getCause() instanceof HttpProblem p
              ? new HttpProblem(p.status(), withStored(p.getMessage()), p.headers())
              : e.getCause() instanceof Exception cause ? cause : e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    }
    part = null;
    running = null;
  }

  private String withStored(String message) {
    return stored.isEmpty()
        ? message
        : message + " (stored before it: " + stored.stream().map(m -> m.get("key")).toList() + ")";
  }

  @Override
  public void onFailure(Throwable cause) {
    if (failure == null) {
      failure = new HttpProblem(400, "malformed multipart body: " + cause.getMessage());
    }
  }

  private void awaitQuietly() {
    try {
      running.get();
    } catch (Exception ignored) {
      // the part was aborted on purpose; its error is not the request's
    }
  }

  /** The name after the last {@code /} or {@code \\} of a file name. */
  static String lastSegment(String fileName) {
    int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
    return fileName.substring(slash + 1);
  }
}
