package dev.sluice.s3.internal;

import dev.sluice.core.Receipt;
import dev.sluice.core.blob.BlobSink;
import dev.sluice.core.blob.BlobWriter;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.job.MemoryExhaustedException;
import dev.sluice.s3.S3Checksum;
import dev.sluice.s3.S3Location;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.zip.CRC32C;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Uploads one S3 object behind a {@link BlobSink}, in parts of a fixed size, {@code parallel} at a
 * time, from at most {@code parallel + 1} reused part buffers ({@link PartBuffers}; from the plan's
 * memory budget when it has one). The multipart upload is created when the first part is full and
 * more bytes follow; an object that fits in one part is a single PUT at publish. The whole stream
 * is checksummed with CRC-32C on the writing thread (the SHA-256, when the plan wants it, by the
 * {@link BlobSink}); parts are checksummed on their upload threads.
 *
 * <p>Ending: {@link #publish} completes the upload (or PUTs the object); {@link #discard} waits for
 * the parts in flight, then aborts the multipart upload once ({@link UploadAborter}).
 */
public final class MultipartWriter implements BlobWriter {

  /** Everything one upload needs; see {@link dev.sluice.s3.S3Upload}. */
  public record Plan(
      S3Client client,
      S3Location location,
      int partSize,
      int parallel,
      S3Checksum checksum,
      String contentType,
      String expectedSha256,
      boolean overwrite,
      boolean sha256Metadata,
      long maxSingleCopy,
      MemoryBudget memory,
      Duration memoryWait) {}

  /** S3's limit for a single-request copy, which sets the metadata after a multipart upload. */
  public static final long MAX_SINGLE_COPY = 5L << 30;

  /** The part size of a multipart copy: large, since no bytes pass through this process. */
  private static final long COPY_PART_SIZE = 1L << 30;

  private static final int MAX_PARTS = 10_000;

  private final Plan plan;
  private final S3Client client;
  private final S3Location location;
  private final PartBuffers buffers;
  private final CRC32C crc32c = new CRC32C();
  private final Map<Integer, CompletedPart> completed = new ConcurrentSkipListMap<>();
  private final List<Thread> uploads = new ArrayList<>();

  private ByteBuffer current;
  private int nextPart = 1;
  private String uploadId;
  private long bytes;

  private MultipartWriter(Plan plan) {
    this.plan = plan;
    this.client = plan.client();
    this.location = plan.location();
    this.buffers =
        new PartBuffers(plan.partSize(), plan.parallel(), plan.memory(), plan.memoryWait());
  }

  /** The sink uploading {@code plan}: it hashes with SHA-256 when the plan wants the digest. */
  public static BlobSink sink(Plan plan) {
    return wrap(new MultipartWriter(plan), plan);
  }

  /**
   * As {@link #sink}, holding its first part buffer already, so that an upload refused for want of
   * memory is refused before anything is read for it. The sink must then be ended (committed or
   * aborted) to give the buffer back.
   *
   * @throws MemoryExhaustedException if the plan's budget has no room for it within the wait
   */
  public static BlobSink sinkHoldingFirstPart(Plan plan) throws IOException {
    MultipartWriter writer = new MultipartWriter(plan);
    writer.current = writer.buffers.take();
    return wrap(writer, plan);
  }

  private static BlobSink wrap(MultipartWriter writer, Plan plan) {
    return plan.expectedSha256() != null || plan.sha256Metadata()
        ? BlobSink.of(writer, plan.expectedSha256())
        : BlobSink.withoutDigest(writer);
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    IOException failure = buffers.failure();
    if (failure != null) {
      throw failure;
    }
    crc32c.update(chunk.duplicate());
    bytes += chunk.remaining();
    while (chunk.hasRemaining()) {
      if (current != null && !current.hasRemaining()) {
        ByteBuffer full = current;
        current = null;
        submit(full);
      }
      if (current == null) {
        current = buffers.take();
      }
      int n = Math.min(chunk.remaining(), current.remaining());
      current.put(chunk.slice(chunk.position(), n));
      chunk.position(chunk.position() + n);
    }
  }

  /** Starts uploading a full (or the last) buffer on its own virtual thread. */
  private void submit(ByteBuffer part) throws IOException {
    try {
      if (nextPart > MAX_PARTS) {
        throw new IOException(
            "uploading "
                + location
                + " needs more than 10,000 parts of "
                + plan.partSize()
                + " bytes; announce the object's size or raise the part size");
      }
      if (uploadId == null) {
        uploadId = createUpload();
      }
      buffers.startUpload();
    } catch (IOException | RuntimeException e) {
      buffers.giveBack(part);
      throw e;
    }
    int number = nextPart++;
    String id = uploadId;
    part.flip();
    Thread thread =
        Thread.ofVirtual()
            .name("sluice-s3-part-" + number)
            .start(() -> uploadPart(id, number, part));
    uploads.removeIf(t -> !t.isAlive());
    uploads.add(thread);
  }

  private String createUpload() throws IOException {
    try {
      return client
          .createMultipartUpload(
              b -> {
                b.bucket(location.bucket())
                    .key(location.key())
                    .contentType(plan.contentType())
                    .checksumAlgorithm(algorithm())
                    .checksumType(checksumType());
                if (plan.expectedSha256() != null) {
                  b.metadata(Map.of("sha256", plan.expectedSha256()));
                }
              })
          .uploadId();
    } catch (SdkException e) {
      throw S3Errors.wrap("starting the multipart upload of " + location, e);
    }
  }

  private void uploadPart(String id, int number, ByteBuffer data) {
    try {
      long length = data.remaining();
      UploadPartRequest.Builder request =
          UploadPartRequest.builder()
              .bucket(location.bucket())
              .key(location.key())
              .uploadId(id)
              .partNumber(number)
              .contentLength(length);
      CompletedPart.Builder part = CompletedPart.builder().partNumber(number);
      if (plan.checksum() == S3Checksum.CRC32C) {
        String crc = Checksums.crc32c(data);
        request.checksumCRC32C(crc);
        part.checksumCRC32C(crc);
      } else {
        String sha = Checksums.sha256(data);
        request.checksumSHA256(sha);
        part.checksumSHA256(sha);
      }
      UploadPartResponse response = client.uploadPart(request.build(), body(data));
      completed.put(number, part.eTag(response.eTag()).build());
    } catch (Throwable t) {
      String what = "uploading part " + number + " of " + location;
      buffers.fail(
          t instanceof SdkException e
              ? S3Errors.wrap(what, e)
              : new IOException(what + " failed: " + t, t));
    } finally {
      buffers.finishUpload(data);
    }
  }

  private static RequestBody body(ByteBuffer data) {
    return RequestBody.fromContentProvider(
        () -> new ByteBufferInputStream(data), data.remaining(), "application/octet-stream");
  }

  @Override
  public Receipt publish(String sha256Hex, long size) throws IOException {
    try {
      Receipt receipt = uploadId == null ? putWhole(sha256Hex) : completeUpload(sha256Hex);
      return (sha256Hex == null ? receipt : receipt.with("sha256", sha256Hex)).with("bytes", bytes);
    } finally {
      releaseBuffers();
    }
  }

  /** Gives back the buffer being filled, then every other (those in flight as they end). */
  private void releaseBuffers() {
    if (current != null) {
      buffers.giveBack(current);
      current = null;
    }
    buffers.release();
  }

  private Receipt putWhole(String sha256Hex) throws IOException {
    ByteBuffer data = current == null ? ByteBuffer.allocate(0) : current.flip();
    PutObjectRequest.Builder request =
        PutObjectRequest.builder()
            .bucket(location.bucket())
            .key(location.key())
            .contentType(plan.contentType())
            .contentLength((long) data.remaining());
    if (sha256Hex != null) {
      request.metadata(Map.of("sha256", sha256Hex));
    }
    if (plan.checksum() == S3Checksum.CRC32C) {
      request.checksumCRC32C(Checksums.base64(crc32c));
    } else {
      request.checksumSHA256(Checksums.sha256(data));
    }
    if (!plan.overwrite()) {
      request.ifNoneMatch("*");
    }
    try {
      PutObjectResponse response = client.putObject(request.build(), body(data));
      return receipt(response.eTag(), response.versionId(), 1);
    } catch (SdkException e) {
      throw refusedOrWrapped("uploading " + location, e);
    }
  }

  private Receipt completeUpload(String sha256Hex) throws IOException {
    if (current != null && current.position() > 0) {
      ByteBuffer last = current;
      current = null;
      submit(last);
    }
    buffers.awaitSettled();
    IOException failure = buffers.failure();
    if (failure != null) {
      throw failure;
    }
    CompleteMultipartUploadRequest.Builder request =
        CompleteMultipartUploadRequest.builder()
            .bucket(location.bucket())
            .key(location.key())
            .uploadId(uploadId)
            .multipartUpload(
                CompletedMultipartUpload.builder().parts(List.copyOf(completed.values())).build())
            .checksumType(checksumType());
    if (plan.checksum() == S3Checksum.CRC32C) {
      request.checksumCRC32C(Checksums.base64(crc32c));
    }
    if (!plan.overwrite()) {
      request.ifNoneMatch("*");
    }
    CompleteMultipartUploadResponse response;
    try {
      response = client.completeMultipartUpload(request.build());
    } catch (SdkException e) {
      throw refusedOrWrapped("completing the multipart upload of " + location, e);
    }
    uploadId = null; // completed: nothing left to abort
    if (plan.expectedSha256() != null || sha256Hex == null) {
      return receipt(response.eTag(), response.versionId(), completed.size());
    }
    return storeSha256(response, sha256Hex);
  }

  /**
   * Copies the completed object onto itself with the {@code sha256} metadata: S3 fixes metadata
   * when an upload starts, before the digest is known. The copy is conditional on the ETag just
   * written, so a concurrent writer's object is never relabelled.
   */
  private Receipt storeSha256(CompleteMultipartUploadResponse completed, String sha256Hex)
      throws IOException {
    int parts = this.completed.size();
    if (bytes > plan.maxSingleCopy()) {
      return copyInParts(completed.eTag(), sha256Hex, parts);
    }
    try {
      CopyObjectResponse copy =
          client.copyObject(
              b ->
                  b.sourceBucket(location.bucket())
                      .sourceKey(location.key())
                      .destinationBucket(location.bucket())
                      .destinationKey(location.key())
                      .copySourceIfMatch(completed.eTag())
                      .metadataDirective(MetadataDirective.REPLACE)
                      .contentType(plan.contentType())
                      .metadata(Map.of("sha256", sha256Hex)));
      return receipt(copy.copyObjectResult().eTag(), copy.versionId(), parts);
    } catch (SdkException e) {
      deleteQuietly();
      throw S3Errors.wrap("storing the sha256 metadata of " + location, e);
    }
  }

  /**
   * The copy for objects too large for one CopyObject request: a multipart upload onto the same
   * key, with the metadata, whose parts are server-side copies of ranges of the object.
   */
  private Receipt copyInParts(String etag, String sha256Hex, int uploadedParts) throws IOException {
    String copyId;
    try {
      copyId =
          client
              .createMultipartUpload(
                  b ->
                      b.bucket(location.bucket())
                          .key(location.key())
                          .contentType(plan.contentType())
                          .metadata(Map.of("sha256", sha256Hex)))
              .uploadId();
    } catch (SdkException e) {
      deleteQuietly();
      throw S3Errors.wrap("storing the sha256 metadata of " + location, e);
    }
    try {
      long partSize =
          Math.max(
              Math.min(plan.maxSingleCopy(), COPY_PART_SIZE), (bytes + MAX_PARTS - 1) / MAX_PARTS);
      List<CompletedPart> parts = new ArrayList<>();
      for (long offset = 0; offset < bytes; offset += partSize) {
        int number = parts.size() + 1;
        String range = "bytes=" + offset + "-" + (Math.min(bytes, offset + partSize) - 1);
        String partEtag =
            client
                .uploadPartCopy(
                    b ->
                        b.sourceBucket(location.bucket())
                            .sourceKey(location.key())
                            .destinationBucket(location.bucket())
                            .destinationKey(location.key())
                            .uploadId(copyId)
                            .partNumber(number)
                            .copySourceRange(range)
                            .copySourceIfMatch(etag))
                .copyPartResult()
                .eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(partEtag).build());
      }
      CompleteMultipartUploadResponse done =
          client.completeMultipartUpload(
              b ->
                  b.bucket(location.bucket())
                      .key(location.key())
                      .uploadId(copyId)
                      .multipartUpload(m -> m.parts(parts)));
      return receipt(done.eTag(), done.versionId(), uploadedParts);
    } catch (SdkException e) {
      new UploadAborter(client, location, copyId).abort(e);
      deleteQuietly();
      throw S3Errors.wrap("storing the sha256 metadata of " + location, e);
    }
  }

  private void deleteQuietly() {
    try {
      client.deleteObject(b -> b.bucket(location.bucket()).key(location.key()));
    } catch (SdkException ignored) {
      // the copy's failure is the one to report
    }
  }

  private IOException refusedOrWrapped(String what, SdkException e) {
    if (!plan.overwrite() && S3Errors.status(e) == 412) {
      var exists =
          new FileAlreadyExistsException(
              location.toString(), null, "an object exists and overwrite is off");
      exists.initCause(e);
      return exists;
    }
    return S3Errors.wrap(what, e);
  }

  private Receipt receipt(String etag, String versionId, int parts) {
    Receipt receipt =
        Receipt.of(location.toString())
            .with("bucket", location.bucket())
            .with("key", location.key())
            .with("etag", etag)
            .with("parts", parts);
    return versionId == null ? receipt : receipt.with("version", versionId);
  }

  /** Stops the parts in flight, waits for them to settle, then aborts the upload if one exists. */
  @Override
  public void discard(Throwable cause) {
    boolean interrupted = Thread.interrupted();
    try {
      for (Thread upload : uploads) {
        upload.interrupt();
      }
      buffers.awaitSettledUninterruptibly();
      if (uploadId != null) {
        new UploadAborter(client, location, uploadId).abort(cause);
        uploadId = null;
      }
    } finally {
      releaseBuffers();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "s3(" + location.bucket() + "/" + location.key() + ")";
  }

  private ChecksumAlgorithm algorithm() {
    return plan.checksum() == S3Checksum.CRC32C
        ? ChecksumAlgorithm.CRC32_C
        : ChecksumAlgorithm.SHA256;
  }

  private ChecksumType checksumType() {
    return plan.checksum() == S3Checksum.CRC32C ? ChecksumType.FULL_OBJECT : ChecksumType.COMPOSITE;
  }
}
