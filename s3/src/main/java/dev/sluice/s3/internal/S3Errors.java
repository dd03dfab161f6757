package dev.sluice.s3.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns SDK exceptions into the {@link IOException}s our sinks and sources throw, with context. */
final class S3Errors {

  private S3Errors() {}

  /** An {@link IOException} saying what failed, with the SDK's exception as its cause. */
  static IOException wrap(String what, SdkException e) {
    if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
      var interrupted = new InterruptedIOException(what + " was interrupted");
      interrupted.initCause(e);
      return interrupted;
    }
    return new IOException(what + " failed: " + e.getMessage(), e);
  }

  /** The HTTP status of an S3 error response, or -1. */
  static int status(Throwable e) {
    return e instanceof S3Exception s3 ? s3.statusCode() : -1;
  }

  /** True for "no such key" (404) answers. */
  static boolean isNotFound(Throwable e) {
    return status(e) == 404;
  }
}
