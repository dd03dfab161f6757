package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadAppend;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resumable uploads into Redis chunked blobs: the offset is the chunks Redis holds, so a fresh
 * store resumes; completion swaps the manifest in; a checksum mismatch rolls an append back.
 */
class RedisUploadStoreIT {

  private TestRedis redis;

  @BeforeEach
  void connect() {
    redis = TestRedis.connect();
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }

  private RedisBlobStore blobs() {
    return RedisBlobStore.builder(redis.client).prefix(redis.prefix).chunkSize(1000).build();
  }

  private static void write(UploadAppend append, byte[] data, int from, int to) throws IOException {
    for (int at = from; at < to; at += 333) {
      append.write(ByteBuffer.wrap(data, at, Math.min(333, to - at)).slice());
    }
  }

  @Test
  void aFreshStoreResumesMidChunkAndCompletesWithTheSha256() throws Exception {
    byte[] data = new byte[10_500];
    new Random(11).nextBytes(data);
    RedisUploadStore first = blobs().uploads(Clock.systemUTC());
    Upload upload =
        first.create(
            new NewUpload(
                "a/b.bin",
                data.length,
                "text/plain",
                null,
                "me",
                Instant.now().plusSeconds(60),
                true,
                null));
    UploadAppend append = first.append(upload.id(), 0);
    write(append, data, 0, 4321);
    append.abort(new IOException("client went away"));

    RedisUploadStore second = blobs().uploads(Clock.systemUTC());
    assertThat(second.find(upload.id()).orElseThrow().offset()).isEqualTo(4321);
    UploadAppend rest = second.append(upload.id(), 4321);
    write(rest, data, 4321, data.length);
    rest.commit();
    var receipt = second.complete(upload.id());
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    assertThat(receipt.details()).containsEntry("sha256", sha256);
    Blob blob = blobs().find("a/b.bin").orElseThrow();
    assertThat(blob.sha256()).contains(sha256);
    assertThat(blob.contentType()).isEqualTo("text/plain");
    assertThat(Bytes.readAll(blob.open(0, blob.size()), 1000)).isEqualTo(data);
    assertThat(second.cancel(upload.id())).isTrue(); // forgets the upload, keeps the blob
    assertThat(Bytes.readAll(blob.open(0, blob.size()), 1000)).isEqualTo(data);
  }

  @Test
  void aChecksumMismatchRestoresThePartialChunkAndUnlinksTheNewOnes() throws Exception {
    byte[] data = new byte[5000];
    new Random(12).nextBytes(data);
    RedisUploadStore uploads = blobs().uploads(Clock.systemUTC());
    Upload upload =
        uploads.create(
            new NewUpload(
                "k.bin", data.length, null, null, "me", Instant.now().plusSeconds(60), true, null));
    UploadAppend first = uploads.append(upload.id(), 0);
    write(first, data, 0, 1500);
    first.commit();
    UploadAppend bad = uploads.append(upload.id(), 1500);
    write(bad, new byte[3000], 0, 3000);
    bad.abort(new DigestMismatchException("sha1", "aa", "bb"));
    assertThat(uploads.find(upload.id()).orElseThrow().offset()).isEqualTo(1500);
    UploadAppend rest = uploads.append(upload.id(), 1500);
    write(rest, data, 1500, data.length);
    rest.commit();
    uploads.complete(upload.id());
    Blob blob = blobs().find("k.bin").orElseThrow();
    assertThat(Bytes.readAll(blob.open(0, blob.size()), 1000)).isEqualTo(data);
  }

  @Test
  void cancelUnlinksTheChunksOfAnIncompleteUpload() throws Exception {
    RedisUploadStore uploads = blobs().uploads(Clock.systemUTC());
    Upload upload =
        uploads.create(
            new NewUpload(
                "gone.bin", 5000, null, null, "me", Instant.now().plusSeconds(60), true, null));
    UploadAppend append = uploads.append(upload.id(), 0);
    write(append, new byte[2500], 0, 2500);
    append.commit();
    assertThat(uploads.list()).extracting(Upload::id).containsExactly(upload.id());
    assertThat(uploads.cancel(upload.id())).isTrue();
    assertThat(redis.keys()).isEmpty();
  }
}
