package dev.sluice.core.delivery;

import dev.sluice.core.blob.Blob;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to answer a GET or HEAD for a blob: the status, the headers and which bytes make the body.
 * Made by {@link Delivery#plan}; an HTTP layer copies {@link #status()} and {@link #headers()} into
 * its response and then calls {@link #writeBody} (not for HEAD).
 *
 * {@snippet :
 * DeliveryPlan plan = Delivery.defaults().plan(DeliveryRequest.from(method, headers::get), blob);
 * response.setStatus(plan.status());
 * plan.headers().forEach(response::setHeader);
 * if (!method.equals("HEAD")) {
 *   plan.writeBody(blob, Channels.newChannel(response.getOutputStream()), buffer);
 * }
 * }
 */
public final class DeliveryPlan {

  /** The kind of response, with its status code. */
  public enum Kind {
    /** 200: the whole representation (no Range, or one that was ignored: see {@link #note}). */
    FULL(200),
    /** 206 with one {@code Content-Range}. */
    PARTIAL(206),
    /** 206 {@code multipart/byteranges}, one part per range. */
    MULTIPART(206),
    /** 304: the client's copy is current. */
    NOT_MODIFIED(304),
    /** 412: an {@code If-Match} or {@code If-Unmodified-Since} precondition failed. */
    PRECONDITION_FAILED(412),
    /**
     * 416 with <code>Content-Range: bytes &#42;/size</code>: no range overlaps the representation.
     */
    NOT_SATISFIABLE(416);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    /** The HTTP status code. */
    public int status() {
      return status;
    }
  }

  private final Kind kind;
  private final long size;
  private final List<ByteRange> ranges;
  private final String etag;
  private final Instant lastModified;
  private final String blobType;
  private final MultipartByteRanges multipart;
  private final String note;

  DeliveryPlan(
      Kind kind,
      long size,
      List<ByteRange> ranges,
      String etag,
      Instant lastModified,
      String blobType,
      MultipartByteRanges multipart,
      String note) {
    this.kind = kind;
    this.size = size;
    this.ranges = List.copyOf(ranges);
    this.etag = etag;
    this.lastModified = lastModified;
    this.blobType = blobType;
    this.multipart = multipart;
    this.note = note;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status code: 200, 206, 304, 412 or 416. */
  public int status() {
    return kind.status();
  }

  /** The size of the whole representation. */
  public long representationSize() {
    return size;
  }

  /**
   * The bytes the body carries, in order: the whole representation for FULL (none when it is
   * empty), one range for PARTIAL, two or more ascending, disjoint ranges for MULTIPART, none
   * otherwise.
   */
  public List<ByteRange> ranges() {
    return ranges;
  }

  /** The exact body length: what {@link #writeBody} writes. Zero for 304, 412 and 416. */
  public long contentLength() {
    return switch (kind) {
      case FULL -> size;
      case PARTIAL -> ranges.get(0).length();
      case MULTIPART -> multipart.contentLength();
      default -> 0;
    };
  }

  /** The response {@code Content-Type}; for MULTIPART it carries the boundary. Empty if no body. */
  public Optional<String> contentType() {
    return switch (kind) {
      case FULL, PARTIAL -> Optional.of(blobType);
      case MULTIPART -> Optional.of(multipart.contentType());
      default -> Optional.empty();
    };
  }

  /** {@code bytes a-b/size} for PARTIAL, <code>bytes &#42;/size</code> for 416, else empty. */
  public Optional<String> contentRange() {
    return switch (kind) {
      case PARTIAL -> Optional.of(ranges.get(0).contentRange(size));
      case NOT_SATISFIABLE -> Optional.of("bytes */" + size);
      default -> Optional.empty();
    };
  }

  /**
   * Why the plan is what it is, for logs and metrics, e.g. {@code Range ignored: 40 ranges exceed
   * the limit of 32}; empty when there is nothing to say.
   */
  public String note() {
    return note;
  }

  /**
   * The response headers this plan sets, in a stable order: {@code Accept-Ranges}, {@code ETag},
   * {@code Last-Modified}, {@code Content-Type}, {@code Content-Range}, {@code Content-Length} —
   * each only where RFC 9110 wants it (a 304 carries only the {@code ETag}, a 412 nothing, a 416
   * {@code Content-Range} and a zero length).
   */
  public Map<String, String> headers() {
    Map<String, String> headers = new LinkedHashMap<>();
    switch (kind) {
      case NOT_MODIFIED -> headers.put("ETag", etag);
      case PRECONDITION_FAILED -> {}
      case NOT_SATISFIABLE -> {
        headers.put("Accept-Ranges", "bytes");
        headers.put("Content-Range", contentRange().orElseThrow());
        headers.put("Content-Length", "0");
      }
      default -> {
        headers.put("Accept-Ranges", "bytes");
        headers.put("ETag", etag);
        headers.put("Last-Modified", HttpDate.format(lastModified));
        headers.put("Content-Type", contentType().orElseThrow());
        contentRange().ifPresent(range -> headers.put("Content-Range", range));
        headers.put("Content-Length", Long.toString(contentLength()));
      }
    }
    return Collections.unmodifiableMap(headers);
  }

  /**
   * Writes the body — exactly {@link #contentLength()} bytes — reading {@code blob} with {@link
   * Blob#open(long, long)} range by range and copying through {@code buffer}; blocks as long as
   * {@code out} does, so a slow client slows the reads. Writes nothing for 304, 412 and 416.
   *
   * @param blob the blob this plan was made for
   * @throws java.io.EOFException if the blob turns out shorter than when the plan was made
   */
  public void writeBody(Blob blob, WritableByteChannel out, ByteBuffer buffer) throws IOException {
    writeBody(blob, out, BufferLender.of(buffer));
  }

  /**
   * As {@link #writeBody(Blob, WritableByteChannel, ByteBuffer)}, each read going into a buffer
   * borrowed from {@code buffers} and given back once its bytes are written: a copy that waits
   * between reads (e.g. for a rate limit) holds no buffer while it waits.
   */
  public void writeBody(Blob blob, WritableByteChannel out, BufferLender buffers)
      throws IOException {
    switch (kind) {
      case FULL, PARTIAL -> {
        for (ByteRange range : ranges) {
          BlobCopy.copy(blob, range, out, buffers);
        }
      }
      case MULTIPART -> multipart.writeTo(blob, out, buffers);
      default -> {}
    }
  }

  @Override
  public String toString() {
    return status() + " " + kind + (ranges.isEmpty() ? "" : " " + ranges) + " of " + size;
  }
}
