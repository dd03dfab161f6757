package dev.sluice.coord.internal;

/**
 * The three commands a store offers for leases; {@link LeaseKeeper} does the bookkeeping around
 * them. Implementations are thread-safe and throw a {@link RuntimeException} when the store does
 * not answer.
 */
public interface LeaseStore {

  /**
   * Takes {@code name} for {@code token} if nobody holds it.
   *
   * @return the lease's fence (> 0), or 0 when another holds it
   */
  long grant(String name, String token);

  /**
   * Extends the lease of {@code token} on {@code name}; false when it is no longer that token's.
   */
  boolean renew(String name, String token);

  /** Ends the lease of {@code token} on {@code name} if it is still that token's. */
  void release(String name, String token);

  /** Asks the holder of {@code name}, wherever it is, to release it. */
  void requestRelease(String name);
}
