package dev.sluice.core.blob;

import java.time.Instant;
import java.util.Optional;

/**
 * A condition on a key's current version that a store tests atomically with a write or a delete
 * (RFC 9110 §13): under the key's lock, in the row-locking transaction, or as a compare-and-swap,
 * so two writers that both read version A cannot both replace it. A write or delete whose
 * precondition does not hold changes nothing and throws {@link PreconditionFailedException}.
 *
 * <p>HTTP's conditional headers become one with {@code
 * dev.sluice.core.delivery.Conditionals#precondition(String)}.
 *
 * {@snippet :
 * Precondition ifMatch = Conditionals.from(request::header).precondition("PUT");
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
