package dev.sluice.s3;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * Finds and aborts orphaned multipart uploads: ones a crashed process (or a failed abort) left
 * behind, which S3 keeps, and bills, until aborted.
 *
 * {@snippet :
 * Instant before = Instant.now().minus(Duration.ofDays(1));
 * for (S3Cleanup.Orphan orphan : S3Cleanup.orphans(s3, S3Location.parse("s3://bucket/tmp/"), before)) {
 *   S3Cleanup.abort(s3, orphan);
 * }
 * }
 */
public final class S3Cleanup {

  private S3Cleanup() {}

  /** An unfinished multipart upload. */
  public record Orphan(String bucket, String key, String uploadId, Instant initiated) {}

  /** The multipart uploads under {@code prefix} started before {@code initiatedBefore}. */
  public static List<Orphan> orphans(S3Client client, S3Location prefix, Instant initiatedBefore)
      throws IOException {
    List<Orphan> orphans = new ArrayList<>();
    try {
      for (var page :
          client.listMultipartUploadsPaginator(
              b -> b.bucket(prefix.bucket()).prefix(prefix.key()))) {
        for (MultipartUpload upload : page.uploads()) {
          if (upload.initiated() == null || upload.initiated().isBefore(initiatedBefore)) {
            orphans.add(
                new Orphan(prefix.bucket(), upload.key(), upload.uploadId(), upload.initiated()));
          }
        }
      }
    } catch (SdkException e) {
      throw new IOException(
          "listing the multipart uploads of " + prefix + " failed: " + e.getMessage(), e);
    }
    return orphans;
  }

  /** Aborts {@code orphan}; its parts are deleted. */
  public static void abort(S3Client client, Orphan orphan) throws IOException {
    try {
      client.abortMultipartUpload(
          b -> b.bucket(orphan.bucket()).key(orphan.key()).uploadId(orphan.uploadId()));
    } catch (SdkException e) {
      throw new IOException(
          "aborting multipart upload "
              + orphan.uploadId()
              + " of s3://"
              + orphan.bucket()
              + "/"
              + orphan.key()
              + " failed: "
              + e.getMessage(),
          e);
    }
  }
}
