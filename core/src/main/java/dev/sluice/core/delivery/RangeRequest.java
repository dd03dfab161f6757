package dev.sluice.core.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A parsed {@code Range: bytes=…} header (RFC 9110 §14.1.2): the range-specs in the order the
 * client listed them, not yet resolved against a representation.
 *
 * <p>{@link #parse} accepts exactly the grammar: a case-insensitive {@code bytes} unit, {@code =}
 * with no whitespace around it, then a comma-separated list of {@code first-last}, {@code first-}
 * or {@code -suffix} specs, with optional spaces or tabs around the commas and empty list elements
 * ignored (RFC 9110 §5.6.1). Anything else, and a spec whose last byte comes before its first,
 * makes the whole header invalid: the server then ignores it and serves the full representation.
 *
 * <p>Numbers too large for a {@code long} saturate to {@link Long#MAX_VALUE}: no representation is
 * that long, so such a first byte is unsatisfiable and such a last byte or suffix means "to the
 * end". Parsing allocates one small object per listed spec, never anything sized by a number.
 *
 * {@snippet :
 * Optional<RangeRequest> range = RangeRequest.parse("bytes=0-499, -500");
 * // [FromTo[first=0, last=499], Suffix[length=500]]
 * }
 */
public final class RangeRequest {

  /** One range-spec of a {@code Range} header. */
  public sealed interface Spec {}

  /** {@code first-last}: bytes {@code first} to {@code last} inclusive. */
  public record FromTo(long first, long last) implements Spec {}

  /** {@code first-}: from byte {@code first} to the end. */
  public record From(long first) implements Spec {}

  /** {@code -length}: the last {@code length} bytes. */
  public record Suffix(long length) implements Spec {}

  private final List<Spec> specs;

  private RangeRequest(List<Spec> specs) {
    this.specs = List.copyOf(specs);
  }

  /** The range-specs, in the order the header listed them; never empty. */
  public List<Spec> specs() {
    return specs;
  }

  /**
   * Parses a {@code Range} header value.
   *
   * @return the specs, or empty when the value is null, not in the {@code bytes} unit, or not valid
   *     by the grammar; the server then ignores the header (RFC 9110 §14.2)
   */
  public static Optional<RangeRequest> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    int start = 0;
    int end = header.length();
    while (start < end && isOws(header.charAt(start))) {
      start++;
    }
    while (end > start && isOws(header.charAt(end - 1))) {
      end--;
    }
    if (end - start < 6 || !isBytesUnit(header, start) || header.charAt(start + 5) != '=') {
      return Optional.empty();
    }
    return new Parser(header, start + 6, end).parse();
  }

  /**
   * {@code bytes} in any ASCII case (not {@code String.regionMatches}, which takes 'ſ' for 's').
   */
  private static boolean isBytesUnit(String header, int start) {
    for (int k = 0; k < 5; k++) {
      if ((header.charAt(start + k) | 0x20) != "bytes".charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** The specs as the header would list them, e.g. {@code bytes=0-499,-500}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("bytes=");
    for (Spec spec : specs) {
      if (out.length() > 6) {
        out.append(',');
      }
      switch (spec) {
        case FromTo r -> out.append(r.first()).append('-').append(r.last());
        case From r -> out.append(r.first()).append('-');
        case Suffix r -> out.append('-').append(r.length());
      }
    }
    return out.toString();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RangeRequest that && specs.equals(that.specs);
  }

  @Override
  public int hashCode() {
    return specs.hashCode();
  }

  /** A single pass over {@code range-set = 1#range-spec}; no regular expressions, no substrings. */
  private static final class Parser {
    private final String s;
    private final int end;
    private int i;
    private final List<Spec> specs = new ArrayList<>();

    Parser(String s, int start, int end) {
      this.s = s;
      this.i = start;
      this.end = end;
    }

    Optional<RangeRequest> parse() {
      while (true) {
        if (i < end && s.charAt(i) != ',' && !isOws(s.charAt(i))) {
          if (!spec()) {
            return Optional.empty();
          }
        }
        skipOws();
        if (i == end) {
          break;
        }
        if (s.charAt(i) != ',') {
          return Optional.empty();
        }
        i++;
        skipOws();
      }
      return specs.isEmpty() ? Optional.empty() : Optional.of(new RangeRequest(specs));
    }

    /** {@code int-range / suffix-range}, at a non-separator character. */
    private boolean spec() {
      if (s.charAt(i) == '-') {
        i++;
        int digitsAt = i;
        long length = number();
        if (i == digitsAt) {
          return false;
        }
        specs.add(new Suffix(length));
        return true;
      }
      int firstAt = i;
      long first = number();
      int firstEnd = i;
      if (firstEnd == firstAt || i == end || s.charAt(i) != '-') {
        return false;
      }
      i++;
      int lastAt = i;
      long last = number();
      if (i == lastAt) {
        specs.add(new From(first));
        return true;
      }
      if (compare(first, firstAt, firstEnd, last, lastAt, i) > 0) {
        return false; // RFC 9110 §14.1.1: last-pos < first-pos makes the spec invalid
      }
      specs.add(new FromTo(first, last));
      return true;
    }

    /** {@code *DIGIT} from {@code i}, saturating at {@link Long#MAX_VALUE}. */
    private long number() {
      long value = 0;
      while (i < end) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        int digit = c - '0';
        value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
        i++;
      }
      return value;
    }

    /** Compares two parsed numbers, by their digits when both saturated. */
    private int compare(long a, int aFrom, int aTo, long b, int bFrom, int bTo) {
      if (a != Long.MAX_VALUE || b != Long.MAX_VALUE) {
        return Long.compare(a, b);
      }
      while (aFrom < aTo - 1 && s.charAt(aFrom) == '0') {
        aFrom++;
      }
      while (bFrom < bTo - 1 && s.charAt(bFrom) == '0') {
        bFrom++;
      }
      int byLength = Integer.compare(aTo - aFrom, bTo - bFrom);
      if (byLength != 0) {
        return byLength;
      }
      for (; aFrom < aTo; aFrom++, bFrom++) {
        int byDigit = Character.compare(s.charAt(aFrom), s.charAt(bFrom));
        if (byDigit != 0) {
          return byDigit;
        }
      }
      return 0;
    }

    private void skipOws() {
      while (i < end && isOws(s.charAt(i))) {
        i++;
      }
    }
  }
}
