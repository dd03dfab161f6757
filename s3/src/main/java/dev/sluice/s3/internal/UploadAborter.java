package dev.sluice.s3.internal;

import dev.sluice.s3.S3Location;
import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;

/**
 * Aborts one multipart upload, retrying a failing abort a few times with a growing pause; if it
 * still fails, the failure is attached to the root cause as suppressed, naming the upload so that
 * {@code sluice s3 cleanup} can remove it.
 */
final class UploadAborter {

  static final int ATTEMPTS = 3;
  private static final long FIRST_PAUSE_MILLIS = 100;

  private final S3Client client;
  private final S3Location location;
  private final String uploadId;

  UploadAborter(S3Client client, S3Location location, String uploadId) {
    this.client = client;
    this.location = location;
    this.uploadId = uploadId;
  }

  /** Aborts the upload; never throws. */
  void abort(Throwable cause) {
    SdkException last = null;
    long pause = FIRST_PAUSE_MILLIS;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        client.abortMultipartUpload(
            b -> b.bucket(location.bucket()).key(location.key()).uploadId(uploadId));
        return;
      } catch (NoSuchUploadException gone) {
        return; // an earlier attempt went through although its answer was lost
      } catch (SdkException e) {
        last = e;
      }
      if (attempt < ATTEMPTS) {
        sleepUninterruptibly(pause);
        pause *= 4;
      }
    }
    if (cause != null) {
      cause.addSuppressed(
          new IOException(
              "could not abort multipart upload "
                  + uploadId
                  + " of "
                  + location
                  + " after "
                  + ATTEMPTS
                  + " attempts ('sluice s3 cleanup' removes it): "
                  + last.getMessage(),
              last));
    }
  }

  private static void sleepUninterruptibly(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    boolean interrupted = false;
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
