package dev.sluice.core.delivery;

/**
 * Entity-tag comparison (RFC 9110 §8.8.3): {@code entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE}.
 * Lists are scanned in place; a malformed member never matches, the rest of the list still counts.
 */
final class EntityTags {

  private EntityTags() {}

  /**
   * Whether any member of the comma-separated {@code list} matches {@code current}: by strong
   * comparison (both strong, same opaque tag) or weak comparison (same opaque tag).
   */
  public static boolean anyMatches(String list, String current, boolean strong) {
    if (current == null || !isValid(current, 0, current.length())) {
      return false;
    }
    int i = 0;
    int n = list.length();
    while (i < n) {
      while (i < n && (list.charAt(i) == ' ' || list.charAt(i) == '\t' || list.charAt(i) == ',')) {
        i++;
      }
      int start = i;
      boolean quoted = false;
      while (i < n && (quoted || list.charAt(i) != ',')) {
        if (list.charAt(i) == '"') {
          quoted = !quoted;
        }
        i++;
      }
      int end = i;
      while (end > start && (list.charAt(end - 1) == ' ' || list.charAt(end - 1) == '\t')) {
        end--;
      }
      if (end > start && matches(list, start, end, current, strong)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code tag} is a single entity-tag matching {@code current} by strong comparison. */
  public static boolean strongMatch(String tag, String current) {
    return current != null
        && isValid(current, 0, current.length())
        && matches(tag, 0, tag.length(), current, true);
  }

  private static boolean matches(String s, int start, int end, String current, boolean strong) {
    if (!isValid(s, start, end)) {
      return false;
    }
    boolean weak = isWeak(s, start);
    boolean currentWeak = isWeak(current, 0);
    if (strong && (weak || currentWeak)) {
      return false;
    }
    int from = weak ? start + 2 : start;
    int currentFrom = currentWeak ? 2 : 0;
    int length = end - from;
    return length == current.length() - currentFrom
        && s.regionMatches(from, current, currentFrom, length);
  }

  private static boolean isWeak(String s, int start) {
    return s.startsWith("W/", start);
  }

  /** {@code [W/] DQUOTE *etagc DQUOTE}, etagc = %x21 / %x23-7E / obs-text. */
  static boolean isValid(String s, int start, int end) {
    int from = isWeak(s, start) ? start + 2 : start;
    if (end - from < 2 || s.charAt(from) != '"' || s.charAt(end - 1) != '"') {
      return false;
    }
    for (int k = from + 1; k < end - 1; k++) {
      char c = s.charAt(k);
      if (c == '"' || c <= ' ' || c == 0x7f || c > 0xff) {
        return false;
      }
    }
    return true;
  }
}
