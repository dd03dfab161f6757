package dev.sluice.core.delivery;

import dev.sluice.core.blob.Blob;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Decides how to answer a GET or HEAD for a blob, by RFC 9110 alone and independent of any HTTP
 * server: conditionals (§13.2.2) first, then {@code If-Range} and {@code Range} (§14).
 *
 * <ul>
 *   <li>{@code If-Match} / {@code If-Unmodified-Since} failing: 412. {@code If-None-Match} (weak
 *       comparison, {@code *}) / {@code If-Modified-Since} failing: 304.
 *   <li>Ranges are honoured for GET only (§14.2); a HEAD, a missing or invalid {@code Range}, or an
 *       {@code If-Range} that does not match gives the full representation (200).
 *   <li>Satisfiable ranges are clamped, sorted and merged (see {@link RangeLimits}); one range
 *       gives 206 with {@code Content-Range}, several a {@code multipart/byteranges} 206; none
 *       gives 416 with <code>Content-Range: bytes &#42;/size</code>.
 *   <li>Too many ranges, or too many overlapping ones: the header is ignored (200); see {@link
 *       RangeLimits} for why not 416.
 * </ul>
 *
 * {@snippet :
 * Delivery delivery = Delivery.defaults();
 * DeliveryPlan plan = delivery.plan(DeliveryRequest.get("bytes=0-99,200-299"), blob);
 * plan.status();  // 206
 * plan.headers(); // Content-Type: multipart/byteranges; boundary=…, Content-Length: …
 * }
 */
public final class Delivery {

  private static final Delivery DEFAULTS = new Delivery(RangeLimits.DEFAULTS, Clock.systemUTC());

  private final RangeLimits limits;
  private final Clock clock;

  private Delivery(RangeLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /** Default {@link RangeLimits} and the system clock. */
  public static Delivery defaults() {
    return DEFAULTS;
  }

  /** The given limits and the system clock. */
  public static Delivery of(RangeLimits limits) {
    return new Delivery(limits, Clock.systemUTC());
  }

  /**
   * The given limits and {@code clock}, which decides whether a {@code Last-Modified} time is old
   * enough to be a strong validator for {@code If-Range}.
   */
  public static Delivery of(RangeLimits limits, Clock clock) {
    return new Delivery(limits, clock);
  }

  public RangeLimits limits() {
    return limits;
  }

  /** Decides the response to {@code request} for {@code blob}. Reads only the blob's metadata. */
  public DeliveryPlan plan(DeliveryRequest request, Blob blob) {
    long size = blob.size();
    String etag = blob.etag();
    var modified = blob.lastModified();
    Conditionals conditionals = request.conditionals();
    switch (conditionals.evaluate(request.method(), etag, modified)) {
      case NOT_MODIFIED -> {
        return plan(DeliveryPlan.Kind.NOT_MODIFIED, blob, List.of(), null, "");
      }
      case PRECONDITION_FAILED -> {
        return plan(DeliveryPlan.Kind.PRECONDITION_FAILED, blob, List.of(), null, "");
      }
      case PROCEED -> {}
    }
    if (request.range() == null) {
      return full(blob, "");
    }
    if (!"GET".equals(request.method())) {
      return full(blob, "Range ignored: ranges apply to GET only");
    }
    Optional<RangeRequest> range = RangeRequest.parse(request.range());
    if (range.isEmpty()) {
      return full(blob, "Range ignored: not a valid bytes range");
    }
    if (!conditionals.ifRangeHolds(etag, modified, clock.instant())) {
      return full(blob, "Range ignored: If-Range does not match");
    }
    RangeResolver.Resolution resolution = RangeResolver.resolve(range.get(), size, limits);
    return switch (resolution.kind()) {
      case IGNORED -> full(blob, resolution.note());
      case UNSATISFIABLE ->
          plan(DeliveryPlan.Kind.NOT_SATISFIABLE, blob, List.of(), null, resolution.note());
      case SATISFIABLE -> {
        List<ByteRange> ranges = resolution.ranges();
        if (ranges.size() == 1) {
          yield plan(DeliveryPlan.Kind.PARTIAL, blob, ranges, null, "");
        }
        MultipartByteRanges multipart =
            new MultipartByteRanges(
                MultipartByteRanges.randomBoundary(), blob.contentType(), ranges, size);
        yield plan(DeliveryPlan.Kind.MULTIPART, blob, ranges, multipart, "");
      }
    };
  }

  private static DeliveryPlan full(Blob blob, String note) {
    List<ByteRange> all = blob.size() == 0 ? List.of() : List.of(new ByteRange(0, blob.size() - 1));
    return plan(DeliveryPlan.Kind.FULL, blob, all, null, note);
  }

  private static DeliveryPlan plan(
      DeliveryPlan.Kind kind,
      Blob blob,
      List<ByteRange> ranges,
      MultipartByteRanges multipart,
      String note) {
    return new DeliveryPlan(
        kind,
        blob.size(),
        ranges,
        blob.etag(),
        blob.lastModified(),
        blob.contentType(),
        multipart,
        note);
  }

  @Override
  public String toString() {
    return "Delivery" + limits;
  }
}
