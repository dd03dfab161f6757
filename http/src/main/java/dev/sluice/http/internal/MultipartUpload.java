package dev.sluice.http.internal;

import dev.sluice.core.BlobSpec;
import dev.sluice.core.IngestionReport;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Blocker;

/**
 * {@code POST /objects} with {@code multipart/form-data}: each part that carries a {@code filename}
 * is streamed into the store as its own object (key: the optional {@code ?prefix=} followed by the
 * file name) through the ingestion engine, without buffering the part. Jetty's push parser ({@link
 * MultiPart.Parser}) is fed from a blocking read loop; each slice of part content is handed to the
 * part's engine and waited for before the next network chunk is read. Parts without a file name
 * (plain form fields) are skipped.
 *
 * <p>The first part that fails ends the request with that part's error; parts committed before it
 * stay stored, and the error says which.
 */
final class MultipartUpload implements MultiPart.Parser.Listener {

  private static final int MAX_PARTS = 1000;
  private static final int MAX_PART_HEADERS = 8 * 1024;

  private final Uploads uploads;
  private final Exchange exchange;
  private final String prefix;
  private final Keys keys;
  private final List<Map<String, Object>> stored = new ArrayList<>();

  private String disposition;
  private String partType;
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
          throw SlowClientException.bodyFailed("the multipart body", bytesRead, chunk.getFailure());
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
  }

  @Override
  public void onPartHeader(String name, String value) {
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
    String fileName = fileName(disposition);
    if (fileName == null) {
      return; // a plain form field: not an object
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
                  result.complete(uploads.store(key, source, spec, DigestHeaders.NONE));
                } catch (Throwable t) {
                  result.completeExceptionally(t);
                }
              });
    } catch (HttpProblem e) {
      failure = e;
    }
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
              ? new HttpProblem(p.status(), withStored(p.getMessage()))
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

  /** The {@code filename} parameter of a {@code Content-Disposition: form-data} value, or null. */
  static String fileName(String disposition) {
    if (disposition == null) {
      return null;
    }
    for (String param : disposition.split(";")) {
      String p = param.trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("filename")) {
        String value = p.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value =
              value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        int slash = Math.max(value.lastIndexOf('/'), value.lastIndexOf('\\'));
        value = value.substring(slash + 1); // browsers may send a path; keep the name
        return value.isEmpty() ? null : value;
      }
    }
    return null;
  }
}
