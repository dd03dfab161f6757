package dev.sluice.core;

/** A stage that computes a digest the engine puts in the report. */
public interface DigestReporter {

  /** The algorithm's short name, e.g. {@code sha256}. */
  String algorithm();

  /** The hex digest of everything written, or {@code null} before the stream ended. */
  String hexDigest();
}
