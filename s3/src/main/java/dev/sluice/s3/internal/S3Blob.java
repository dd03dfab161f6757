package dev.sluice.s3.internal;

import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobChangedException;
import dev.sluice.s3.S3Location;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * One S3 object as a {@link Blob}: size, ETag, Last-Modified and the {@code sha256} metadata come
 * from a HEAD; {@link #open} is a ranged GET conditional on that ETag, so a concurrent overwrite
 * fails the read instead of mixing two versions.
 */
public final class S3Blob implements Blob {

  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  private final S3Client client;
  private final S3Location location;
  private final long size;
  private final String etag;
  private final Instant lastModified;
  private final String contentType;
  private final String sha256;

  private S3Blob(S3Client client, S3Location location, HeadObjectResponse head) {
    this.client = client;
    this.location = location;
    this.size = head.contentLength();
    this.etag = head.eTag();
    this.lastModified = head.lastModified();
    this.contentType = head.contentType() == null ? "application/octet-stream" : head.contentType();
    this.sha256 = head.metadata().get("sha256");
  }

  /** HEADs {@code location}; empty if there is no such object. */
  public static Optional<Blob> head(S3Client client, S3Location location) throws IOException {
    try {
      HeadObjectResponse head =
          client.headObject(b -> b.bucket(location.bucket()).key(location.key()));
      String sha256 = head.metadata().get("sha256");
      if (head.eTag() == null
          || (head.contentLength() == 0 && sha256 != null && !EMPTY_SHA256.equals(sha256))) {
        // an object caught mid-replacement (s3proxy's in-memory store shows one as 0 bytes, or
        // without an ETag); S3 itself always answers a HEAD with both
        throw new BlobChangedException("the object is being replaced");
      }
      return Optional.of(new S3Blob(client, location, head));
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        return Optional.empty();
      }
      throw S3Errors.wrap("HEAD " + location, e);
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public String etag() {
    return etag;
  }

  @Override
  public Instant lastModified() {
    return lastModified;
  }

  @Override
  public String contentType() {
    return contentType;
  }

  @Override
  public Optional<String> sha256() {
    return Optional.ofNullable(sha256);
  }

  @Override
  public ReadableByteChannel open(long offset, long length) throws IOException {
    Blob.checkRegion(offset, length, size);
    if (length == 0) {
      return Channels.newChannel(java.io.InputStream.nullInputStream());
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    GetObjectRequest request =
        GetObjectRequest.builder()
            .bucket(location.bucket())
            .key(location.key())
            .range(range)
            .ifMatch(etag)
            .build();
    try {
      var response = client.getObject(request);
      Long sent = response.response().contentLength();
      if (!etag.equals(response.response().eTag()) || (sent != null && sent != length)) {
        // a server that let If-Match pass (s3proxy does, now and then, racing a PUT) still names
        // the version it sends: never serve another version's bytes under this one's headers
        response.abort();
        throw new BlobChangedException("the object was replaced since it was found");
      }
      boolean whole = offset == 0 && length == size;
      return new RangedGetChannel(
          response, "GET " + location + " " + range, length, whole ? sha256 : null);
    } catch (SdkException e) {
      if (S3Errors.status(e) == 412) { // If-Match: the object was replaced since it was found
        throw new BlobChangedException("the object was replaced or removed since it was found");
      }
      throw S3Errors.wrap("GET " + location + " " + range, e);
    }
  }

  @Override
  public String toString() {
    return "s3blob(" + location + ", " + size + " bytes)";
  }
}
