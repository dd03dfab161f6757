package dev.sluice.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a sink reports after a successful commit: where the data now lives and sink-specific details
 * (an S3 ETag, a row count, a file's size).
 */
public record Receipt(String location, Map<String, String> details) {

  public Receipt {
    if (location == null) {
      throw new NullPointerException("location == null");
    }
    details = Map.copyOf(details);
  }

  /** A receipt naming {@code location} with no details. */
  public static Receipt of(String location) {
    return new Receipt(location, Map.of());
  }

  /** A copy of this receipt with one more detail. */
  public Receipt with(String key, Object value) {
    Map<String, String> copy = new LinkedHashMap<>(details);
    copy.put(key, String.valueOf(value));
    return new Receipt(location, copy);
  }
}
