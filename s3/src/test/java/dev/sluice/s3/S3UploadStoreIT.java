package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadAppend;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Resumable uploads into S3 (s3proxy): the offset is the parts plus the tail, so a fresh store
 * (another process) resumes; completion completes the multipart upload; cancel aborts it.
 */
@ExtendWith(S3ProxyExtension.class)
class S3UploadStoreIT {

  private static final int MIB = 1 << 20;

  private final String bucket;
  private final S3Client client;

  S3UploadStoreIT(S3 s3) {
    this.bucket = s3.newBucket();
    this.client = s3.client();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  private S3UploadStore store() {
    return new S3UploadStore(
        client, new S3Location(bucket, "data"), Clock.systemUTC(), S3UploadStore.MIN_PART_SIZE);
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
    Upload upload =
        uploads.create(
            new NewUpload(
                "k.bin", data.length, null, null, "me", Instant.now().plusSeconds(60), true, null));
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
    Upload upload =
        uploads.create(
            new NewUpload(
                "gone.bin", 6 * MIB, null, null, "me", Instant.now().plusSeconds(60), true, null));
    UploadAppend append = uploads.append(upload.id(), 0);
    write(append, new byte[6 * MIB], 0, 6 * MIB);
    append.commit();
    assertThat(uploads.list()).extracting(Upload::id).containsExactly(upload.id());
    assertThat(uploads.cancel(upload.id())).isTrue();
    assertThat(uploads.find(upload.id())).isEmpty();
    assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    assertThat(client.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
  }
}
