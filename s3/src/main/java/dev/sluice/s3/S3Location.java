package dev.sluice.s3;

import java.util.Locale;

/**
 * A bucket and a key (or key prefix) parsed from {@code s3://bucket/key}.
 *
 * @param bucket the bucket name
 * @param key the object key or prefix, without a leading slash; empty for the whole bucket
 */
public record S3Location(String bucket, String key) {

  private static final String SCHEME = "s3://";

  public S3Location {
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException("bucket must not be empty");
    }
    if (key == null) {
      throw new NullPointerException("key == null");
    }
  }

  /** True if {@code location} starts with {@code s3://}. */
  public static boolean matches(String location) {
    return location != null && location.toLowerCase(Locale.ROOT).startsWith(SCHEME);
  }

  /**
   * Parses {@code s3://bucket/key}; the key may be empty ({@code s3://bucket} or {@code
   * s3://bucket/}).
   *
   * @throws IllegalArgumentException naming the input and the expected form
   */
  public static S3Location parse(String location) {
    if (!matches(location)) {
      throw new IllegalArgumentException(
          "invalid S3 location '" + location + "': expected s3://bucket/key");
    }
    String rest = location.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String key = slash < 0 ? "" : rest.substring(slash + 1);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid S3 location '" + location + "': the bucket is empty (expected s3://bucket/key)");
    }
    return new S3Location(bucket, key);
  }

  /** Parses a location that must name an object, not just a bucket. */
  public static S3Location parseObject(String location) {
    S3Location parsed = parse(location);
    if (parsed.key().isEmpty()) {
      throw new IllegalArgumentException(
          "invalid S3 location '" + location + "': the key is empty (expected s3://bucket/key)");
    }
    return parsed;
  }

  /** This location with {@code suffix} appended to the key. */
  public S3Location resolve(String suffix) {
    return new S3Location(bucket, key + suffix);
  }

  @Override
  public String toString() {
    return SCHEME + bucket + "/" + key;
  }
}
