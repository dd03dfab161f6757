package dev.sluice.core;

/**
 * A sink that computes a digest of what it was written, which the engine puts in the ingestion
 * report under {@link #algorithm()}. The digest transforms of {@link Transforms} implement it; a
 * custom digest transform implements it to be reported the same way.
 */
public interface DigestReporter {

  /** The algorithm's short name, e.g. {@code sha256}. */
  String algorithm();

  /** The hex digest of everything written, or {@code null} before the stream ended. */
  String hexDigest();
}
