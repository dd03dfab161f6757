package dev.sluice.s3;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  private static final Pattern AGE =
      Pattern.compile("(\\d+)\\s*([smhd])", Pattern.CASE_INSENSITIVE);

  /**
   * Parses an age such as {@code 30m}, {@code 12h}, {@code 1d} (digits and one of {@code s, m, h,
   * d}) or an ISO-8601 duration such as {@code PT90M}.
   *
   * @throws IllegalArgumentException naming the input and the accepted forms
   */
  public static Duration parseAge(String text) {
    Matcher m = text == null ? null : AGE.matcher(text.trim());
    try {
      if (m != null && m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      if (text != null && text.trim().toUpperCase(Locale.ROOT).startsWith("P")) {
        Duration age = Duration.parse(text.trim().toUpperCase(Locale.ROOT));
        if (!age.isNegative()) {
          return age;
        }
      }
    } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException(
        "invalid age '" + text + "': expected digits and a unit (s, m, h, d), e.g. 1d or 12h");
  }

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
