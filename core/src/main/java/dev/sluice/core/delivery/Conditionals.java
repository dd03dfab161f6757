package dev.sluice.core.delivery;

import dev.sluice.core.blob.Precondition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The conditional headers of a request (RFC 9110 §13), evaluated against the current validators of
 * the target resource in the order of RFC 9110 §13.2.2.
 *
 * <p>Each field holds the raw header value (several lines joined with {@code ", "}), or null when
 * absent. Dates that are not valid HTTP-dates are ignored, as RFC 9110 asks. Dates compare at the
 * resolution of one second, the resolution of {@code Last-Modified}.
 *
 * {@snippet :
 * Conditionals conditions = Conditionals.from(request::header);
 * switch (conditions.evaluate("PUT", existing == null ? null : existing.etag(), null)) {
 *   case PRECONDITION_FAILED -> respond(412);
 *   ...
 * }
 * }
 */
public record Conditionals(
    String ifMatch,
    String ifNoneMatch,
    String ifModifiedSince,
    String ifUnmodifiedSince,
    String ifRange) {

  /** No conditional headers. */
  public static final Conditionals NONE = new Conditionals(null, null, null, null, null);

  /** What the preconditions say about performing the method. */
  public enum Result {
    /** Perform the method. */
    PROCEED,
    /** 304 Not Modified: a GET or HEAD whose cached representation is current. */
    NOT_MODIFIED,
    /** 412 Precondition Failed. */
    PRECONDITION_FAILED
  }

  /**
   * Reads the five headers through {@code header}, a lookup by field name (e.g. {@code If-Match})
   * that returns the value, or null when absent.
   */
  public static Conditionals from(Function<String, String> header) {
    return new Conditionals(
        header.apply("If-Match"),
        header.apply("If-None-Match"),
        header.apply("If-Modified-Since"),
        header.apply("If-Unmodified-Since"),
        header.apply("If-Range"));
  }

  /**
   * The preconditions of {@code method} here ({@code If-Match}, {@code If-None-Match}, {@code
   * If-Unmodified-Since}) as the condition of a store's write or delete: {@link Precondition#NONE}
   * when none of them is present. The store tests it atomically with the change.
   *
   * {@snippet :
   * Sink sink = store.create(key, BlobSpec.defaults().withPrecondition(conditionals.precondition("PUT")));
   * }
   */
  public Precondition precondition(String method) {
    Objects.requireNonNull(method, "method");
    if (ifMatch == null && ifNoneMatch == null && ifUnmodifiedSince == null) {
      return Precondition.NONE;
    }
    String name = "precondition(" + method + " " + this + ")";
    return new Precondition() {
      @Override
      public boolean holds(String etag, Instant lastModified) {
        return evaluate(method, etag, lastModified) == Result.PROCEED;
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /**
   * Evaluates {@code If-Match}, {@code If-Unmodified-Since}, {@code If-None-Match} and {@code
   * If-Modified-Since} (RFC 9110 §13.2.2 steps 1–4) for {@code method}.
   *
   * @param etag the current entity tag, quoted; null when the resource has no representation
   * @param lastModified the current modification time, or null when unknown or absent
   */
  public Result evaluate(String method, String etag, Instant lastModified) {
    boolean exists = etag != null;
    boolean getOrHead = "GET".equals(method) || "HEAD".equals(method);
    if (ifMatch != null) {
      boolean holds =
          isStar(ifMatch) ? exists : EntityTags.anyMatches(ifMatch, etag, /* strong= */ true);
      if (!holds) {
        return Result.PRECONDITION_FAILED;
      }
    } else if (ifUnmodifiedSince != null && lastModified != null) {
      Optional<Instant> date = HttpDate.parse(ifUnmodifiedSince.trim());
      if (date.isPresent() && seconds(lastModified).isAfter(date.get())) {
        return Result.PRECONDITION_FAILED;
      }
    }
    if (ifNoneMatch != null) {
      boolean holds =
          isStar(ifNoneMatch) ? !exists : !EntityTags.anyMatches(ifNoneMatch, etag, false);
      if (!holds) {
        return getOrHead ? Result.NOT_MODIFIED : Result.PRECONDITION_FAILED;
      }
    } else if (getOrHead && ifModifiedSince != null && lastModified != null) {
      Optional<Instant> date = HttpDate.parse(ifModifiedSince.trim());
      if (date.isPresent() && !seconds(lastModified).isAfter(date.get())) {
        return Result.NOT_MODIFIED;
      }
    }
    return Result.PROCEED;
  }

  /**
   * Whether {@code If-Range} lets a Range be honoured (RFC 9110 §13.1.5): true when absent; with an
   * entity tag, when it is strong and equals {@code etag}; with an HTTP-date, when it equals {@code
   * lastModified} exactly and that time is strong, i.e. at least one second before {@code now} (so
   * the representation cannot have changed twice within that second). Otherwise false: the Range is
   * then ignored and the full representation served.
   */
  public boolean ifRangeHolds(String etag, Instant lastModified, Instant now) {
    if (ifRange == null) {
      return true;
    }
    String value = ifRange.trim();
    if (value.startsWith("\"") || value.startsWith("W/\"")) {
      return EntityTags.strongMatch(value, etag);
    }
    if (lastModified == null) {
      return false;
    }
    Optional<Instant> date = HttpDate.parse(value);
    Instant modified = seconds(lastModified);
    return date.isPresent()
        && date.get().equals(modified)
        && !lastModified.plusSeconds(1).isAfter(now);
  }

  private static boolean isStar(String value) {
    return value.trim().equals("*");
  }

  private static Instant seconds(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS);
  }
}
