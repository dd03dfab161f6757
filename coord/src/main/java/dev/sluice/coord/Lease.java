package dev.sluice.coord;

/**
 * A lease on a name held by this node: while it is {@linkplain #held() held}, no other node holds
 * one on the same name. Renewed in the background until {@link #close()}; a node that stops
 * renewing (it died, or lost its store) loses it after the lease time. Thread-safe.
 */
public interface Lease extends AutoCloseable {

  /** The name leased. */
  String name();

  /**
   * A number that grows with every grant of this name (a fencing token): a store that records the
   * fence of its last writer can refuse a late write from an older holder.
   */
  long fence();

  /** True until closed, or until a renewal found the lease gone (expired, taken over). */
  boolean held();

  /** True once another node asked for this lease ({@link Coordination#requestRelease}). */
  boolean releaseRequested();

  /** Releases the lease if still held; later calls do nothing. Never throws. */
  @Override
  void close();
}
