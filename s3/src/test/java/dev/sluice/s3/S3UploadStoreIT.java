package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadAppend;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ListPartsRequest;

/**
 * Resumable uploads into S3 (s3proxy): the offset is the parts plus the tail, so a fresh store
 * (another process) resumes; completion completes the multipart upload; cancel aborts it.
 */
@ExtendWith(S3ProxyExtension.class)
class S3UploadStoreIT {

  private static final int MIB = 1 << 20;

  private final String bucket;
  private final S3Client client;
  private final S3 s3;

  S3UploadStoreIT(S3 s3) {
    this.s3 = s3;
    this.bucket = s3.newBucket();
    this.client = s3.client();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  private S3UploadStore store() {
    return store(client);
  }

  private S3UploadStore store(S3Client through) {
    return new S3UploadStore(
        through, new S3Location(bucket, "data"), Clock.systemUTC(), S3UploadStore.MIN_PART_SIZE);
  }

  /** An upload of {@code length} bytes to {@code key}, by "me", expiring in a minute. */
  private static NewUpload plain(String key, long length) {
    return new NewUpload(key, length, null, null, "me", Instant.now().plusSeconds(60), true, null);
  }

  private static void write(UploadAppend append, byte[] data, int from, int to) throws IOException {
    for (int at = from; at < to; at += 64 * 1024) {
      append.write(ByteBuffer.wrap(data, at, Math.min(64 * 1024, to - at)).slice());
    }
  }

  @Test
  void aFreshStoreResumesFromThePartsAndTheTailAndCompletesWithTheSha256() throws Exception {
    byte[] data = new byte[12 * MIB + 12345];
    new Random(9).nextBytes(data);
    S3UploadStore first = store();
    Upload upload =
        first.create(
            new NewUpload(
                "big/file.bin",
                data.length,
                "video/mp4",
                null,
                "me",
                Instant.now().plusSeconds(3600),
                true,
                null));
    UploadAppend append = first.append(upload.id(), 0);
    write(append, data, 0, 7 * MIB);
    append.abort(new IOException("client went away")); // one 5 MiB part + a 2 MiB tail

    S3UploadStore second = store(); // another process: nothing in memory
    assertThat(second.find(upload.id()).orElseThrow().offset()).isEqualTo(7 * MIB);
    UploadAppend rest = second.append(upload.id(), 7 * MIB);
    write(rest, data, 7 * MIB, data.length);
    assertThat(rest.commit().details()).containsEntry("offset", Integer.toString(data.length));

    var receipt = second.complete(upload.id());
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    assertThat(receipt.details()).containsEntry("sha256", sha256);
    byte[] stored =
        client.getObjectAsBytes(b -> b.bucket(bucket).key("data/big/file.bin")).asByteArray();
    assertThat(stored).isEqualTo(data);
    var head = client.headObject(b -> b.bucket(bucket).key("data/big/file.bin"));
    assertThat(head.metadata()).containsEntry("sha256", sha256);
    assertThat(head.contentType()).isEqualTo("video/mp4");
    assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    assertThat(
            client.listObjectsV2(b -> b.bucket(bucket).prefix("data/.sluice-uploads/")).contents())
        .extracting(o -> o.key())
        .containsExactly("data/.sluice-uploads/" + upload.id() + ".upload");
    assertThat(second.find(upload.id()).orElseThrow().complete()).isTrue();
  }

  @Test
  void aChecksumMismatchRollsBackAnAppendThatAlreadyUploadedAPart() throws Exception {
    byte[] data = new byte[6 * MIB];
    new Random(10).nextBytes(data);
    S3UploadStore uploads = store();
    Upload upload = uploads.create(plain("k.bin", data.length));
    UploadAppend bad = uploads.append(upload.id(), 0);
    write(bad, new byte[data.length], 0, data.length); // flushes part 1
    bad.abort(new DigestMismatchException("sha1", "aa", "bb"));
    assertThat(uploads.find(upload.id()).orElseThrow().offset()).isZero();

    UploadAppend good = uploads.append(upload.id(), 0);
    write(good, data, 0, data.length);
    good.commit();
    uploads.complete(upload.id());
    assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("data/k.bin")).asByteArray())
        .isEqualTo(data);
  }

  @Test
  void cancelAbortsTheMultipartUploadAndDeletesTheStagedBytes() throws Exception {
    S3UploadStore uploads = store();
    Upload upload = uploads.create(plain("gone.bin", 6 * MIB));
    UploadAppend append = uploads.append(upload.id(), 0);
    write(append, new byte[6 * MIB], 0, 6 * MIB);
    append.commit();
    assertThat(uploads.list()).extracting(Upload::id).containsExactly(upload.id());
    assertThat(uploads.cancel(upload.id())).isTrue();
    assertThat(uploads.find(upload.id())).isEmpty();
    assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    assertThat(client.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
  }

  /**
   * A listing that overlaps an append replacing the tail (the new one written, the old one deleted)
   * may show neither, as a directory read on s3proxy's file system can: the upload still exists.
   * Before the fix such a {@code find} reported no upload, so a HEAD for a client resuming after a
   * dropped connection answered 404 and tus-js-client started over, leaving the first multipart
   * upload behind.
   */
  @Test
  void aTailListingThatOverlapsATailReplacementDoesNotLoseTheUpload() throws Exception {
    AtomicInteger hideTails = new AtomicInteger();
    ExecutionInterceptor overlapping =
        new ExecutionInterceptor() {
          @Override
          public SdkResponse modifyResponse(
              Context.ModifyResponse context, ExecutionAttributes attributes) {
            if (context.response() instanceof ListObjectsV2Response listing
                && listing.prefix() != null
                && listing.prefix().endsWith(".tail.")
                && hideTails.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
              return listing.toBuilder().contents(List.of()).keyCount(0).build();
            }
            return context.response();
          }
        };
    try (S3Client racing = s3.client(overlapping)) {
      S3UploadStore uploads = store(racing);
      Upload upload = uploads.create(plain("race.bin", 8 * MIB));
      UploadAppend append = uploads.append(upload.id(), 0);
      write(append, new byte[7 * MIB], 0, 7 * MIB);
      append.commit(); // part 1 and a 2 MiB tail

      hideTails.set(1);
      assertThat(uploads.find(upload.id())).map(Upload::offset).contains((long) 7 * MIB);
      assertThat(hideTails).hasValue(0);
    }
  }

  /**
   * A client sending its upload in many small requests opens an append per request, and each holds
   * a whole part: the store reuses one array rather than making a part's worth of garbage per
   * request (which a small young generation cannot hold, so the old one grew to the heap's limit).
   */
  @Test
  void appendsReuseOnePartArrayInsteadOfAllocatingAPartEach() throws Exception {
    int appends = 24;
    int chunk = 64 * 1024;
    S3UploadStore uploads = store();
    Upload upload = uploads.create(plain("small-chunks.bin", (long) appends * chunk));
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < appends; i++) {
      UploadAppend append = uploads.append(upload.id(), (long) i * chunk);
      write(append, new byte[chunk], 0, chunk);
      append.commit();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated)
        .as(
            "bytes allocated by %d appends with %d-byte parts",
            appends, S3UploadStore.MIN_PART_SIZE)
        .isLessThan(
            (long) appends * S3UploadStore.MIN_PART_SIZE / 2); // a part per append: twice this
    assertThat(uploads.settle(upload.id()).orElseThrow().offset())
        .isEqualTo((long) appends * chunk);
  }

  /**
   * A {@code find} that overlaps another request's completion (the multipart upload completed and
   * the tails deleted before the manifest says complete) reports the upload as complete. Before the
   * fix it reported no upload: a client that lost the answer to its last append and asked for the
   * offset got a 404 and started over.
   */
  @Test
  void aFindThatOverlapsTheCompletionReportsTheUploadComplete() throws Exception {
    AtomicReference<Runnable> beforeListingParts = new AtomicReference<>();
    ExecutionInterceptor overlapping =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof ListPartsRequest) {
              Runnable action = beforeListingParts.getAndSet(null);
              if (action != null) {
                action.run();
              }
            }
          }
        };
    S3UploadStore completing = store();
    byte[] data = new byte[6 * MIB];
    new Random(11).nextBytes(data);
    Upload upload = completing.create(plain("done.bin", data.length));
    UploadAppend append = completing.append(upload.id(), 0);
    write(append, data, 0, data.length);
    append.commit();
    try (S3Client racing = s3.client(overlapping)) {
      S3UploadStore reading = store(racing);
      beforeListingParts.set(
          () -> {
            try {
              completing.complete(upload.id());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });

      Optional<Upload> found = reading.find(upload.id());

      assertThat(beforeListingParts).hasNullValue(); // the completion did run in between
      assertThat(found).map(Upload::complete).contains(true);
      assertThat(found).map(Upload::offset).contains((long) data.length);
    }
  }
}
