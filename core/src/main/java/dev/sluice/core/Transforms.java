package dev.sluice.core;

import dev.sluice.core.DigestSink.Algorithm;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * Factories for the built-in {@link Transform}s. A digest with an expected value verifies it before
 * the sink commits; a mismatch aborts the sink with {@link DigestMismatchException}.
 */
public final class Transforms {

  private static final int OUTPUT_BUFFER = 64 * 1024;

  private Transforms() {}

  /** SHA-256 of the stream, reported as {@code sha256}. */
  public static Transform sha256() {
    return digest(Algorithm.SHA256, null);
  }

  /** SHA-256 that must equal {@code expectedHex}. */
  public static Transform sha256(String expectedHex) {
    return digest(Algorithm.SHA256, requireHex(expectedHex, 64));
  }

  /** SHA-512 of the stream, reported as {@code sha512}. */
  public static Transform sha512() {
    return digest(Algorithm.SHA512, null);
  }

  /** SHA-512 that must equal {@code expectedHex}. */
  public static Transform sha512(String expectedHex) {
    return digest(Algorithm.SHA512, requireHex(expectedHex, 128));
  }

  /** SHA-1 of the stream, reported as {@code sha1}. */
  public static Transform sha1() {
    return digest(Algorithm.SHA1, null);
  }

  /** SHA-1 that must equal {@code expectedHex}. */
  public static Transform sha1(String expectedHex) {
    return digest(Algorithm.SHA1, requireHex(expectedHex, 40));
  }

  /** MD5 of the stream, reported as {@code md5}. */
  public static Transform md5() {
    return digest(Algorithm.MD5, null);
  }

  /** MD5 that must equal {@code expectedHex}. */
  public static Transform md5(String expectedHex) {
    return digest(Algorithm.MD5, requireHex(expectedHex, 32));
  }

  /** CRC-32C of the stream as 8 hex digits, reported as {@code crc32c}. */
  public static Transform crc32c() {
    return digest(Algorithm.CRC32C, null);
  }

  /** CRC-32C that must equal {@code expectedHex} (8 hex digits). */
  public static Transform crc32c(String expectedHex) {
    return digest(Algorithm.CRC32C, requireHex(expectedHex, 8));
  }

  private static Transform digest(Algorithm algorithm, String expectedHex) {
    return named(algorithm.shortName(), d -> new DigestSink(d, algorithm, expectedHex));
  }

  private static String requireHex(String hex, int digits) {
    if (hex == null || hex.length() != digits || !hex.chars().allMatch(HexFormat::isHexDigit)) {
      throw new IllegalArgumentException(
          "expected digest must be " + digits + " hex digits: " + hex);
    }
    return hex;
  }

  /** Compresses into gzip at {@code level} (0..9; 6 is gzip's default). */
  public static Transform gzip(int level) {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException("gzip level must be 0..9: " + level);
    }
    return named("gzip", d -> new GzipSink(d, level, OUTPUT_BUFFER));
  }

  /**
   * Decompresses gzip, failing with {@link LimitExceededException} once the output would exceed
   * {@code maxOutputBytes}, and with {@link InvalidInputException} on corrupt input.
   */
  public static Transform gunzip(long maxOutputBytes) {
    if (maxOutputBytes < 0) {
      throw new IllegalArgumentException("maxOutputBytes must be >= 0: " + maxOutputBytes);
    }
    return named("gunzip", d -> new GunzipSink(d, maxOutputBytes, OUTPUT_BUFFER));
  }

  /** Fails with {@link LimitExceededException} once more than {@code maxBytes} pass. */
  public static Transform limit(long maxBytes) {
    return limit(maxBytes, "stream size");
  }

  /** As {@link #limit(long)}, naming what is limited (e.g. {@code "body size"}) in the error. */
  public static Transform limit(long maxBytes, String what) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
    }
    return named("limit", d -> new LimitSink(d, maxBytes, what));
  }

  /** Passes at most {@code bytesPerSecond} on average, by blocking the writer (backpressure). */
  public static Transform rate(long bytesPerSecond) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be > 0: " + bytesPerSecond);
    }
    return named("rate", d -> new RateLimitSink(d, bytesPerSecond));
  }

  /** A transform whose {@code toString()} is {@code name}. */
  public static Transform named(String name, Function<Sink, Sink> decorator) {
    return new Transform() {
      @Override
      public Sink apply(Sink downstream) {
        return decorator.apply(downstream);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }
}
