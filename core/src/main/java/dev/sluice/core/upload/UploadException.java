package dev.sluice.core.upload;

import java.io.IOException;

/**
 * Why an upload request was refused; {@link #problem()} says which of the protocols' cases it is.
 */
public final class UploadException extends IOException {

  /** The cases the resumable-upload protocols answer differently. */
  public enum Problem {
    /** No upload with that id (or one swept after expiring). */
    NOT_FOUND,
    /** The upload expired and is waiting to be swept. */
    EXPIRED,
    /** The offset sent is not the upload's offset. */
    MISMATCHING_OFFSET,
    /** The upload is complete and takes no more bytes. */
    COMPLETED,
    /** A length contradicts the declared length or the bytes received. */
    INCONSISTENT_LENGTH,
    /** An append in progress did not end in time for a newer request. */
    BUSY
  }

  private final Problem problem;
  private final long expectedOffset;
  private final long providedOffset;

  public UploadException(Problem problem, String message) {
    this(problem, message, -1, -1);
  }

  private UploadException(
      Problem problem, String message, long expectedOffset, long providedOffset) {
    super(message);
    this.problem = problem;
    this.expectedOffset = expectedOffset;
    this.providedOffset = providedOffset;
  }

  /** An append at {@code provided} to an upload whose offset is {@code expected}. */
  public static UploadException mismatchingOffset(String id, long expected, long provided) {
    return new UploadException(
        Problem.MISMATCHING_OFFSET,
        "offset "
            + provided
            + " does not match the offset of upload "
            + id
            + ", which is "
            + expected,
        expected,
        provided);
  }

  public Problem problem() {
    return problem;
  }

  /** For {@link Problem#MISMATCHING_OFFSET}: the upload's offset, else -1. */
  public long expectedOffset() {
    return expectedOffset;
  }

  /** For {@link Problem#MISMATCHING_OFFSET}: the offset the request sent, else -1. */
  public long providedOffset() {
    return providedOffset;
  }
}
