package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Sources;
import dev.sluice.core.Transforms;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.job.IngestionJob;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.s3.testing.RecordingInterceptor;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

@ExtendWith(S3ProxyExtension.class)
class MultipartSinkIT {

  private static final int PART = S3Upload.MIN_PART_SIZE;
  private static final int CHUNK = 64 * 1024 + 3; // never aligned with a part boundary

  private final S3 s3;
  private final String bucket;
  private final RecordingInterceptor recorder = new RecordingInterceptor();
  private final S3Client client;

  MultipartSinkIT(S3 s3) {
    this.s3 = s3;
    this.bucket = s3.newBucket();
    this.client = s3.client(recorder);
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  private S3Upload.Builder upload(String key) {
    return S3Upload.builder(client, new S3Location(bucket, key)).partSize(PART).parallel(3);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, PART - 1, PART, PART + 1, 3L * PART + 17})
  void roundTripsAcrossPartBoundariesWithTheSameDigest(long size) throws Exception {
    IngestionReport report =
        Ingestion.from(Sources.generated(size, size))
            .through(Transforms.sha256())
            .to(upload("obj-" + size).build())
            .chunkSize(CHUNK)
            .run();

    String sha256 = report.digests().get("sha256");
    assertThat(report.receipt().details())
        .containsEntry("sha256", sha256)
        .containsEntry("bytes", String.valueOf(size))
        .containsEntry("bucket", bucket)
        .containsEntry("key", "obj-" + size)
        .containsEntry("parts", String.valueOf(size <= PART ? 1 : (size + PART - 1) / PART))
        .containsKey("etag");
    assertThat(report.receipt().location()).isEqualTo("s3://" + bucket + "/obj-" + size);
    HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key("obj-" + size));
    assertThat(head.contentLength()).isEqualTo(size);
    assertThat(head.metadata()).containsEntry("sha256", sha256);
    assertThat(head.eTag()).isEqualTo(report.receipt().details().get("etag"));
    assertThat(sha256Of("obj-" + size)).isEqualTo(sha256);
    assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
  }

  @Test
  void sha256ChecksumModeRoundTrips() throws Exception {
    long size = 2L * PART + 5;
    IngestionReport report =
        Ingestion.from(Sources.generated(size, 7))
            .through(Transforms.sha256())
            .to(upload("sha-mode").checksum(S3Checksum.SHA256).build())
            .run();
    assertThat(sha256Of("sha-mode")).isEqualTo(report.digests().get("sha256"));
  }

  @Test
  void uploadsUpToParallelPartsAtOnce() throws Exception {
    recorder.delayParts(Duration.ofMillis(300));
    Ingestion.from(Sources.generated(8L * PART, 3)).to(upload("parallel").build()).run();

    assertThat(recorder.maxPartsInFlight()).isEqualTo(3);
  }

  @Test
  void writeBlocksWhenEveryPartBufferIsBusy() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    recorder.holdParts(gate);
    Sink sink = upload("backpressure").build();
    AtomicLong accepted = new AtomicLong();
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
                  try {
                    while (accepted.get() < 20L * PART) {
                      sink.write(chunk.clear());
                      accepted.addAndGet(CHUNK);
                    }
                  } catch (IOException e) {
                    // interrupted below
                  }
                });
    long before;
    do { // wait until the writer stops making progress
      before = accepted.get();
      Thread.sleep(300);
    } while (accepted.get() != before);

    // three parts held in flight, one full buffer waiting for a slot: (parallel + 1) parts
    assertThat(accepted.get()).isBetween(4L * PART - CHUNK, 4L * PART);
    assertThat(writer.isAlive()).isTrue();
    writer.interrupt();
    writer.join();
    gate.countDown();
    sink.abort(new IOException("test over"));
    assertNoUploadsLeft();
  }

  @Test
  void aFailedPartAbortsTheUploadOnceAndLeavesNothing() {
    recorder.failPart(3);
    assertThatThrownBy(
            () ->
                Ingestion.from(Sources.generated(6L * PART, 1))
                    .to(upload("fail-part").build())
                    .chunkSize(CHUNK)
                    .run())
        .isInstanceOfSatisfying(
            IngestionException.class,
            e -> {
              assertThat(e.report().reason()).isEqualTo(AbortReason.SINK_FAILED);
              assertThat(e.getCause())
                  .isInstanceOf(IOException.class)
                  .hasMessageStartingWith(
                      "uploading part 3 of s3://" + bucket + "/fail-part failed: injected failure");
            });
    assertThat(recorder.count(AbortMultipartUploadRequest.class)).isEqualTo(1);
    assertNoUploadsLeft();
    assertNoObject("fail-part");
  }

  @Test
  void aPartWhoseChecksumDoesNotMatchIsRejectedByTheServerAndTheUploadAborted() {
    recorder.corruptChecksumOfPart(2);
    assertThatThrownBy(
            () ->
                Ingestion.from(Sources.generated(3L * PART, 1)).to(upload("bad-crc").build()).run())
        .isInstanceOfSatisfying(
            IngestionException.class,
            e ->
                assertThat(e.getCause())
                    .hasMessageStartingWith(
                        "uploading part 2 of s3://" + bucket + "/bad-crc failed")
                    .hasRootCauseInstanceOf(
                        software.amazon.awssdk.services.s3.model.S3Exception.class));
    assertThat(recorder.count(AbortMultipartUploadRequest.class)).isEqualTo(1);
    assertNoUploadsLeft();
    assertNoObject("bad-crc");
  }

  @ParameterizedTest
  @ValueSource(longs = {10, 2L * PART + 1})
  void withoutOverwriteAnExistingObjectIsKeptAndTheUploadAborted(long size) throws Exception {
    String key = "keep-" + size;
    Ingestion.from(Sources.generated(100, 1)).to(upload(key).build()).run();

    assertThatThrownBy(
            () ->
                Ingestion.from(Sources.generated(size, 2))
                    .to(upload(key).overwrite(false).build())
                    .run())
        .isInstanceOfSatisfying(
            IngestionException.class,
            e ->
                assertThat(e.getCause())
                    .isInstanceOf(java.nio.file.FileAlreadyExistsException.class)
                    .hasMessage(
                        "s3://" + bucket + "/" + key + ": an object exists and overwrite is off"));
    assertThat(client.headObject(b -> b.bucket(bucket).key(key)).contentLength()).isEqualTo(100);
    assertNoUploadsLeft();
  }

  @Test
  void aSourceFailureAbortsTheUploadOnce() {
    Source failing = failingAfter(Sources.generated(10L * PART, 2), 2L * PART + 100);
    assertThatThrownBy(() -> Ingestion.from(failing).to(upload("fail-source").build()).run())
        .isInstanceOfSatisfying(
            IngestionException.class,
            e -> {
              assertThat(e.report().reason()).isEqualTo(AbortReason.SOURCE_FAILED);
              assertThat(e.getCause()).hasMessage("disk unplugged");
            });
    assertThat(recorder.count(AbortMultipartUploadRequest.class)).isEqualTo(1);
    assertNoUploadsLeft();
    assertNoObject("fail-source");
  }

  @ParameterizedTest
  @EnumSource(
      value = AbortReason.class,
      names = {"CANCELLED", "SHUTDOWN", "CLIENT_DISCONNECT"})
  void stoppingTheJobAbortsTheUploadAfterThePartsInFlightSettle(AbortReason reason)
      throws Exception {
    recorder.delayParts(Duration.ofMillis(200));
    IngestionJob job =
        Ingestion.from(Sources.generated(40L * PART, 4)).to(upload("cancel").build()).start();
    await().atMost(Duration.ofSeconds(30)).until(() -> job.bytesOut() >= 3L * PART);
    assertThat(job.cancel(reason)).isTrue();

    assertThatThrownBy(job::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            IngestionException.class, e -> assertThat(e.report().reason()).isEqualTo(reason));
    assertThat(recorder.count(AbortMultipartUploadRequest.class)).isEqualTo(1);
    assertThat(recorder.partsInFlight()).isZero();
    assertNoUploadsLeft();
    assertNoObject("cancel");
  }

  @Test
  void aTimeoutAbortsTheUpload() {
    recorder.delayParts(Duration.ofMillis(200));
    assertThatThrownBy(
            () ->
                Ingestion.from(Sources.generated(40L * PART, 5))
                    .to(upload("timeout").build())
                    .timeout(Duration.ofMillis(700))
                    .run())
        .isInstanceOfSatisfying(
            IngestionException.class,
            e -> assertThat(e.report().reason()).isEqualTo(AbortReason.TIMEOUT));
    assertThat(recorder.count(AbortMultipartUploadRequest.class)).isEqualTo(1);
    assertNoUploadsLeft();
  }

  @Test
  void aFailingAbortIsRetriedThenReportedOnTheRootCause() throws Exception {
    recorder.failWhen(
        r ->
            r instanceof AbortMultipartUploadRequest
                || r instanceof software.amazon.awssdk.services.s3.model.UploadPartRequest p
                    && p.partNumber() == 2);
    assertThatThrownBy(
            () ->
                Ingestion.from(Sources.generated(4L * PART, 6))
                    .to(upload("abort-fails").build())
                    .run())
        .isInstanceOfSatisfying(
            IngestionException.class,
            e -> {
              assertThat(e.getCause()).hasMessageContaining("uploading part 2");
              assertThat(e.getCause().getSuppressed())
                  .singleElement()
                  .satisfies(
                      s ->
                          assertThat(s)
                              .hasMessageStartingWith("could not abort multipart upload ")
                              .hasMessageContaining(
                                  "of s3://" + bucket + "/abort-fails after 3 attempts"));
            });
    assertThat(recorder.count(AbortMultipartUploadRequest.class)).isEqualTo(3);

    // the orphan is there; cleanup finds and removes it
    var orphans =
        S3Cleanup.orphans(
            client, new S3Location(bucket, ""), java.time.Instant.now().plusSeconds(1));
    assertThat(orphans).singleElement().extracting(S3Cleanup.Orphan::key).isEqualTo("abort-fails");
    recorder.failWhen(r -> false);
    S3Cleanup.abort(client, orphans.get(0));
    assertNoUploadsLeft();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aWrongExpectedDigestAbortsBeforeAnythingIsVisible(boolean sha256Metadata) {
    String wrong = "0".repeat(64);
    String key = "digest-" + sha256Metadata;
    assertThatThrownBy(
            () ->
                Ingestion.from(Sources.generated(2L * PART + 1, 8))
                    .to(upload(key).sha256Metadata(sha256Metadata).expectedSha256(wrong).build())
                    .run())
        .isInstanceOfSatisfying(
            IngestionException.class,
            e -> {
              assertThat(e.report().reason()).isEqualTo(AbortReason.DIGEST_MISMATCH);
              assertThat(e.getCause()).hasMessageStartingWith("sha256 mismatch: expected " + wrong);
            });
    assertNoUploadsLeft();
    assertNoObject(key);
  }

  @Test
  void aKnownDigestGoesIntoTheMetadataWithoutACopy() throws Exception {
    long size = 2L * PART + 1;
    String sha256 = sha256Of(Sources.generated(size, 9));
    IngestionReport report =
        Ingestion.from(Sources.generated(size, 9))
            .to(upload("known").expectedSha256(sha256).build())
            .run();
    assertThat(report.receipt().details()).containsEntry("sha256", sha256);
    assertThat(client.headObject(b -> b.bucket(bucket).key("known")).metadata())
        .containsEntry("sha256", sha256);
    assertThat(recorder.count(software.amazon.awssdk.services.s3.model.CopyObjectRequest.class))
        .isZero();
  }

  @ParameterizedTest
  @ValueSource(longs = {PART - 1, 2L * PART + 1})
  void withoutSha256MetadataTheSinkNeitherHashesNorCopies(long size) throws Exception {
    String key = "unhashed-" + size;
    IngestionReport report =
        Ingestion.from(Sources.generated(size, 4))
            .to(upload(key).sha256Metadata(false).build())
            .run();
    assertThat(report.receipt().details())
        .doesNotContainKey("sha256")
        .containsEntry("bytes", String.valueOf(size));
    assertThat(client.headObject(b -> b.bucket(bucket).key(key)).metadata())
        .doesNotContainKey("sha256");
    assertThat(recorder.count(software.amazon.awssdk.services.s3.model.CopyObjectRequest.class))
        .isZero();
    assertThat(sha256Of(key)).isEqualTo(sha256Of(Sources.generated(size, 4)));
  }

  @Test
  void anObjectTooLargeForOneCopyGetsItsMetadataThroughAMultipartCopy() throws Exception {
    long size = 2L * PART + 17;
    IngestionReport report =
        Ingestion.from(Sources.generated(size, 12))
            .to(upload("copied").maxSingleCopy(PART).build())
            .run();
    String sha256 = sha256Of(Sources.generated(size, 12));
    assertThat(report.receipt().details()).containsEntry("sha256", sha256);
    HeadObjectResponse head = client.headObject(b -> b.bucket(bucket).key("copied"));
    assertThat(head.metadata()).containsEntry("sha256", sha256);
    assertThat(head.contentLength()).isEqualTo(size);
    assertThat(head.eTag()).isEqualTo(report.receipt().details().get("etag"));
    assertThat(sha256Of("copied")).isEqualTo(sha256);
    assertThat(recorder.count(software.amazon.awssdk.services.s3.model.UploadPartCopyRequest.class))
        .isEqualTo(3);
    assertNoUploadsLeft();
  }

  @Test
  void thePartSizeGrowsToFitAKnownSizeInTenThousandParts() {
    S3Upload.Builder upload = upload("big").expectedSize(200L << 30); // 200 GiB
    assertThat(upload.effectivePartSize()).isEqualTo(21 << 20);
    assertThat(upload("small").expectedSize(1L << 30).effectivePartSize()).isEqualTo(PART);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private void assertNoUploadsLeft() {
    assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
  }

  private void assertNoObject(String key) {
    assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket).key(key)))
        .isInstanceOf(NoSuchKeyException.class);
  }

  private String sha256Of(String key) throws IOException {
    MessageDigest digest = sha256();
    try (ResponseInputStream<GetObjectResponse> in =
        client.getObject(b -> b.bucket(bucket).key(key))) {
      update(digest, in);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String sha256Of(Source source) throws IOException {
    MessageDigest digest = sha256();
    try (source) {
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      while (source.read(buffer.clear()) != -1) {
        digest.update(buffer.flip());
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void update(MessageDigest digest, InputStream in) throws IOException {
    byte[] buffer = new byte[1 << 16];
    int n;
    while ((n = in.read(buffer)) != -1) {
      digest.update(buffer, 0, n);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** A source that fails with "disk unplugged" once {@code limit} bytes have been read. */
  static Source failingAfter(Source source, long limit) {
    return new Source() {
      long read;

      @Override
      public int read(ByteBuffer into) throws IOException {
        if (read >= limit) {
          throw new IOException("disk unplugged");
        }
        if (into.remaining() > limit - read) {
          into.limit(into.position() + (int) (limit - read));
        }
        int n = source.read(into);
        read += Math.max(n, 0);
        return n;
      }

      @Override
      public void close() throws IOException {
        source.close();
      }

      @Override
      public String toString() {
        return "failing(" + source + ")";
      }
    };
  }
}
