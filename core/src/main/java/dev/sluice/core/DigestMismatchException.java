package dev.sluice.core;

import java.io.IOException;

/** The digest of a stream differs from the expected value; both are in the message. */
public final class DigestMismatchException extends IOException implements AbortCause {

  private final String algorithm;
  private final String expected;
  private final String actual;

  public DigestMismatchException(String algorithm, String expected, String actual) {
    super(algorithm + " mismatch: expected " + expected + " but was " + actual);
    this.algorithm = algorithm;
    this.expected = expected;
    this.actual = actual;
  }

  public String algorithm() {
    return algorithm;
  }

  /** The expected digest, hex-encoded. */
  public String expected() {
    return expected;
  }

  /** The digest of the bytes actually seen, hex-encoded. */
  public String actual() {
    return actual;
  }

  @Override
  public AbortReason reason() {
    return AbortReason.DIGEST_MISMATCH;
  }
}
