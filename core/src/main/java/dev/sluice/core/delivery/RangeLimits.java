package dev.sluice.core.delivery;

/**
 * Limits on how a {@code Range} header is honoured.
 *
 * <p>RFC 9110 §14.2 lets a server ignore or reject a Range with many ranges or overlapping ranges,
 * since they are signs of a broken client or of an attack. Sluice <em>ignores</em> such a header
 * and serves the full representation (200): that is always a correct response, costs no more than
 * the plain GET any client may send, and never breaks a client that merely asked for too much.
 *
 * @param maxRanges the most range-specs a header may list; more and the header is ignored
 * @param coalesceGap ranges separated by at most this many bytes are merged into one part: sending
 *     the gap costs less than the headers of another multipart part (about 80 bytes)
 * @param maxOverlaps how many ranges may overlap an earlier one (in order of their first byte)
 *     before the header is ignored as abusive; overlapping ranges within the limit are merged
 */
public record RangeLimits(int maxRanges, long coalesceGap, int maxOverlaps) {

  /** The defaults: 32 ranges, an 80-byte gap, one overlap. */
  public static final RangeLimits DEFAULTS = new RangeLimits(32, 80, 1);

  public RangeLimits {
    if (maxRanges < 1) {
      throw new IllegalArgumentException("maxRanges must be >= 1: " + maxRanges);
    }
    if (coalesceGap < 0) {
      throw new IllegalArgumentException("coalesceGap must be >= 0: " + coalesceGap);
    }
    if (maxOverlaps < 0) {
      throw new IllegalArgumentException("maxOverlaps must be >= 0: " + maxOverlaps);
    }
  }

  /** The defaults: 32 ranges, an 80-byte gap, one overlap. */
  public static RangeLimits defaults() {
    return DEFAULTS;
  }
}
