package dev.sluice.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A condition on a key's current version that a store tests atomically with a write or a delete
 * (RFC 9110 §13): under the key's lock, in the row-locking transaction, or as a compare-and-swap,
 * so two writers that both read version A cannot both replace it. A write or delete whose
 * precondition does not hold changes nothing and throws {@link PreconditionFailedException}.
 *
 * {@snippet :
 * Precondition ifMatch = Precondition.from(Conditionals.from(request::header), "PUT");
 * Sink sink = store.create(key, BlobSpec.defaults().withPrecondition(ifMatch));
 * }
 */
@FunctionalInterface
public interface Precondition {

  /** Always holds: the unconditional write. */
  Precondition NONE = named("none", (etag, lastModified) -> true);

  /**
   * Whether the write may go ahead, given the key's current version.
   *
   * @param etag the current blob's quoted entity tag, or null when the key holds no blob
   * @param lastModified the current blob's modification time, or null when absent or unknown
   */
  boolean holds(String etag, Instant lastModified);

  /** Whether the write may go ahead over {@code current} (empty: the key holds no blob). */
  default boolean holdsFor(Optional<? extends Blob> current) {
    return current.isPresent()
        ? holds(current.get().etag(), current.get().lastModified())
        : holds(null, null);
  }

  /**
   * The preconditions of {@code method} in {@code conditionals} ({@code If-Match}, {@code
   * If-None-Match}, {@code If-Unmodified-Since}): {@link #NONE} when none of them is present.
   */
  static Precondition from(Conditionals conditionals, String method) {
    Objects.requireNonNull(conditionals, "conditionals");
    if (conditionals.ifMatch() == null
        && conditionals.ifNoneMatch() == null
        && conditionals.ifUnmodifiedSince() == null) {
      return NONE;
    }
    return named(
        method + " " + conditionals,
        (etag, lastModified) ->
            conditionals.evaluate(method, etag, lastModified) == Conditionals.Result.PROCEED);
  }

  /** Holds only when the key holds no blob ({@code If-None-Match: *}). */
  static Precondition absent() {
    return named("absent", (etag, lastModified) -> etag == null);
  }

  private static Precondition named(String name, Precondition test) {
    return new Precondition() {
      @Override
      public boolean holds(String etag, Instant lastModified) {
        return test.holds(etag, lastModified);
      }

      @Override
      public String toString() {
        return "precondition(" + name + ")";
      }
    };
  }
}
