package dev.sluice.core.delivery;

import dev.sluice.core.delivery.RangeRequest.From;
import dev.sluice.core.delivery.RangeRequest.FromTo;
import dev.sluice.core.delivery.RangeRequest.Spec;
import dev.sluice.core.delivery.RangeRequest.Suffix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Resolves range-specs against a representation size (RFC 9110 §14.1.2–§14.2): clamps, drops the
 * unsatisfiable, sorts by first byte, merges overlapping and nearby ranges, and ignores abusive
 * headers (too many ranges, too many overlaps).
 */
final class RangeResolver {

  /** What the Range header comes to. */
  public enum Kind {
    /** Serve the full representation; {@link Resolution#note} says why. */
    IGNORED,
    /** 416: no spec overlaps the representation. */
    UNSATISFIABLE,
    /** 206 with {@link Resolution#ranges}: one range, or several in ascending order. */
    SATISFIABLE
  }

  /** The outcome; {@code ranges} is empty unless satisfiable. */
  public record Resolution(Kind kind, List<ByteRange> ranges, String note) {}

  private RangeResolver() {}

  public static Resolution resolve(RangeRequest request, long size, RangeLimits limits) {
    List<Spec> specs = request.specs();
    if (specs.size() > limits.maxRanges()) {
      return ignored(
          "Range ignored: " + specs.size() + " ranges exceed the limit of " + limits.maxRanges());
    }
    if (size == 0) {
      // RFC 9110 §14.1.3 calls a non-zero suffix satisfiable, yet no byte range can express it
      boolean suffix = specs.stream().anyMatch(s -> s instanceof Suffix x && x.length() > 0);
      return suffix
          ? ignored("Range ignored: the representation is empty")
          : new Resolution(Kind.UNSATISFIABLE, List.of(), "no range overlaps the 0 bytes");
    }
    List<ByteRange> ranges = new ArrayList<>(specs.size());
    for (Spec spec : specs) {
      ByteRange range = clamp(spec, size);
      if (range != null) {
        ranges.add(range);
      }
    }
    if (ranges.isEmpty()) {
      return new Resolution(
          Kind.UNSATISFIABLE, List.of(), "no range overlaps the " + size + " bytes");
    }
    ranges.sort(Comparator.comparingLong(ByteRange::first).thenComparingLong(ByteRange::last));
    List<ByteRange> merged = new ArrayList<>(ranges.size());
    int overlaps = 0;
    ByteRange current = ranges.get(0);
    for (int k = 1; k < ranges.size(); k++) {
      ByteRange next = ranges.get(k);
      if (next.first() <= current.last()) {
        overlaps++;
      }
      if (next.first() - current.last() - 1 <= limits.coalesceGap()) {
        current = new ByteRange(current.first(), Math.max(current.last(), next.last()));
      } else {
        merged.add(current);
        current = next;
      }
    }
    merged.add(current);
    if (overlaps > limits.maxOverlaps()) {
      return ignored(
          "Range ignored: "
              + overlaps
              + " ranges overlap others, more than the limit of "
              + limits.maxOverlaps());
    }
    return new Resolution(Kind.SATISFIABLE, List.copyOf(merged), "");
  }

  /** The satisfiable part of {@code spec}, or null. */
  private static ByteRange clamp(Spec spec, long size) {
    return switch (spec) {
      case FromTo r ->
          r.first() < size ? new ByteRange(r.first(), Math.min(r.last(), size - 1)) : null;
      case From r -> r.first() < size ? new ByteRange(r.first(), size - 1) : null;
      case Suffix r ->
          r.length() > 0 ? new ByteRange(size - Math.min(r.length(), size), size - 1) : null;
    };
  }

  private static Resolution ignored(String note) {
    return new Resolution(Kind.IGNORED, List.of(), note);
  }
}
