package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Sources;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.testing.FailingAfterSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

class RedisBlobStoreIT {

  private static final int CHUNK = 64 * 1024;

  private TestRedis redis;
  private RedisBlobStore store;

  @BeforeEach
  void connect() {
    redis = TestRedis.connect();
    store = RedisBlobStore.builder(redis.client).prefix(redis.prefix).chunkSize(CHUNK).build();
  }

  @AfterEach
  void cleanUp() {
    store.close();
    redis.close();
  }

  private Receipt put(String key, byte[] content, int writeSize) throws IOException {
    Sink sink = store.create(key, BlobSpec.defaults());
    for (int at = 0; at < content.length; at += writeSize) {
      sink.write(ByteBuffer.wrap(content, at, Math.min(writeSize, content.length - at)));
    }
    return sink.commit();
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void roundTripsABlobSpreadOverManyChunks() throws Exception {
    byte[] content = Bytes.generated(16 * CHUNK + 123, 1);

    Receipt receipt = put("a/b.bin", content, 10_007);

    assertThat(receipt.details())
        .containsEntry("bytes", Integer.toString(content.length))
        .containsEntry("sha256", sha256(content))
        .containsEntry("chunks", "17");
    Blob blob = store.find("a/b.bin").orElseThrow();
    assertThat(blob.size()).isEqualTo(content.length);
    assertThat(blob.sha256()).contains(sha256(content));
    assertThat(blob.etag())
        .isEqualTo(receipt.details().get("etag"))
        .startsWith("\"")
        .endsWith("\"");
    assertThat(blob.contentType()).isEqualTo("application/octet-stream");
    assertThat(Bytes.readAll(blob.open(0, blob.size()), 256 * 1024)).isEqualTo(content);
    assertThat(redis.keys()).hasSize(1 + 17 + 1); // manifest, chunks, key index
  }

  @Test
  void rangedReadsCrossChunkBoundariesAndReturnExactlyTheRange() throws Exception {
    byte[] content = Bytes.generated(5 * CHUNK + 77, 2);
    put("ranges", content, CHUNK);
    Blob blob = store.find("ranges").orElseThrow();

    long[][] ranges = {
      {0, 1},
      {CHUNK - 1, 2},
      {CHUNK, CHUNK},
      {3L * CHUNK - 5, CHUNK + 10},
      {1, 4L * CHUNK},
      {content.length - 1, 1},
      {0, content.length},
      {content.length, 0},
      {5L * CHUNK, 77},
    };
    for (long[] range : ranges) {
      int offset = (int) range[0];
      int length = (int) range[1];
      byte[] expected = Arrays.copyOfRange(content, offset, offset + length);
      assertThat(Bytes.readAll(blob.open(offset, length), 8192))
          .as("bytes %d+%d", offset, length)
          .isEqualTo(expected);
      assertThat(Bytes.readAll(blob.open(offset, length), 7))
          .as("bytes %d+%d through a 7-byte buffer", offset, length)
          .isEqualTo(expected);
    }
  }

  @Test
  void refusesARegionOutsideTheBlob() throws Exception {
    put("small", new byte[10], 10);
    Blob blob = store.find("small").orElseThrow();

    assertThatThrownBy(() -> blob.open(5, 6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region of 6 bytes at 5 is not within the blob's 10 bytes");
    assertThatThrownBy(() -> blob.open(-1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEmptyBlobHasAManifestAndNoChunks() throws Exception {
    Receipt receipt = put("empty", new byte[0], 1);

    Blob blob = store.find("empty").orElseThrow();
    assertThat(blob.size()).isZero();
    assertThat(receipt.details()).containsEntry("chunks", "0");
    assertThat(blob.sha256()).contains(sha256(new byte[0]));
    assertThat(Bytes.readAll(blob.open(0, 0), 16)).isEmpty();
    assertThat(redis.keys())
        .containsExactlyInAnyOrder(redis.prefix + ":blob:empty", redis.prefix + ":index");
  }

  @Test
  void chunksAreInvisibleAndExpiringUntilTheManifestIsCommitted() throws Exception {
    Sink sink = store.create("pending", BlobSpec.defaults());
    sink.write(ByteBuffer.wrap(Bytes.generated(3 * CHUNK, 3)));

    assertThat(store.find("pending")).isEmpty();
    assertThat(redis.keys()).hasSize(3).allSatisfy(key -> assertThat(key).contains(":chunk:"));
    assertThat(redis.keys()).allSatisfy(key -> assertThat(redis.client.pttl(key)).isPositive());

    sink.commit();

    assertThat(store.find("pending")).isPresent();
    assertThat(redis.keys()).allSatisfy(key -> assertThat(redis.client.pttl(key)).isEqualTo(-1));
  }

  @Test
  void abortUnlinksEveryChunkWritten() throws Exception {
    Sink sink = store.create("aborted", BlobSpec.defaults());
    sink.write(ByteBuffer.wrap(Bytes.generated(4 * CHUNK + 5, 4)));
    assertThat(redis.keys()).hasSize(4);

    sink.abort(new IOException("client went away"));

    assertThat(redis.keys()).isEmpty();
    assertThat(store.find("aborted")).isEmpty();
  }

  @Test
  void abortCleansUpEvenWhenItsPooledConnectionDiedWhileIdle() throws Exception {
    try (RedisClient named = redis.namedClient()) {
      Sink sink =
          RedisBlobStore.builder(named)
              .prefix(redis.prefix)
              .chunkSize(CHUNK)
              .build()
              .create("idle", BlobSpec.defaults());
      sink.write(ByteBuffer.wrap(Bytes.generated(2 * CHUNK, 12)));
      assertThat(redis.keys()).hasSize(2);
      assertThat(redis.killClientsNamed(redis.prefix)).isPositive();

      sink.abort(new IOException("client went away"));

      assertThat(redis.keys()).isEmpty();
    }
  }

  @Test
  void aSourceFailingMidStreamLeavesNoKeys() {
    var failure = new IOException("disk read failed at byte 300000");
    var source = new FailingAfterSource(Sources.generated(1 << 20, 5), 300_000, failure);

    assertThatThrownBy(
            () ->
                Ingestion.from(source)
                    .to(store.create("failing", BlobSpec.defaults()))
                    .chunkSize(16 * 1024)
                    .run())
        .isInstanceOf(IngestionException.class)
        .hasRootCause(failure);
    assertThat(redis.keys()).isEmpty();
  }

  @Test
  void aDigestMismatchRefusesTheCommitAndLeavesNoKeys() throws Exception {
    Sink sink = store.create("digest", new BlobSpec("text/plain", true, "00".repeat(32)));
    sink.write(ByteBuffer.wrap(Bytes.generated(2 * CHUNK + 1, 6)));

    assertThatThrownBy(sink::commit).isInstanceOf(DigestMismatchException.class);
    assertThat(redis.keys()).isEmpty();
  }

  @Test
  void anOverwriteSwapsTheManifestAndKeepsTheOldChunksForTheirReadersDuringTheGrace()
      throws Exception {
    byte[] first = Bytes.generated(3 * CHUNK, 7);
    byte[] second = Bytes.generated(CHUNK + 9, 8);
    put("doc", first, CHUNK);
    Blob old = store.find("doc").orElseThrow();

    put("doc", second, 1000);

    Blob current = store.find("doc").orElseThrow();
    assertThat(Bytes.readAll(current.open(0, current.size()), 4096)).isEqualTo(second);
    assertThat(current.etag()).isNotEqualTo(old.etag());
    assertThat(Bytes.readAll(old.open(0, old.size()), 4096)).isEqualTo(first);
    assertThat(redis.keys()).hasSize(1 + 2 + 3 + 1); // manifest, chunks, old chunks, key index
    assertThat(redis.keys().stream().filter(k -> redis.client.pttl(k) > 0)).hasSize(3);
  }

  @Test
  void withoutAGraceAnOverwriteRemovesTheOldChunksAtOnce() throws Exception {
    store =
        RedisBlobStore.builder(redis.client)
            .prefix(redis.prefix)
            .chunkSize(CHUNK)
            .retiredGrace(java.time.Duration.ZERO)
            .build();
    byte[] first = Bytes.generated(3 * CHUNK, 7);
    put("doc", first, CHUNK);
    Blob old = store.find("doc").orElseThrow();

    put("doc", Bytes.generated(CHUNK + 9, 8), 1000);

    assertThat(redis.keys()).hasSize(1 + 2 + 1);
    assertThatThrownBy(() -> Bytes.readAll(old.open(0, old.size()), 4096))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("blob " + redis.prefix + ":blob:doc changed while being read");
  }

  @Test
  void refusesToReplaceABlobWhenTheSpecForbidsIt() throws Exception {
    put("kept", new byte[] {1, 2, 3}, 3);

    assertThatThrownBy(() -> store.create("kept", new BlobSpec(null, false, null)))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("a blob exists under this key and may not be replaced");
  }

  @Test
  void aNoOverwriteCommitLosesTheRaceWithoutHarmingTheWinner() throws Exception {
    Sink late = store.create("race", new BlobSpec(null, false, null));
    late.write(ByteBuffer.wrap(Bytes.generated(2 * CHUNK, 9)));
    byte[] winner = {4, 5, 6};
    put("race", winner, 3);

    assertThatThrownBy(late::commit).isInstanceOf(FileAlreadyExistsException.class);

    Blob blob = store.find("race").orElseThrow();
    assertThat(Bytes.readAll(blob.open(0, blob.size()), 16)).isEqualTo(winner);
    assertThat(redis.keys()).hasSize(3); // manifest, chunk, key index
  }

  @Test
  void aCommitWhoseChunkExpiredFailsNamingTheChunkAndLeavesNoKeys() throws Exception {
    Sink sink = store.create("expired", BlobSpec.defaults());
    sink.write(ByteBuffer.wrap(Bytes.generated(3 * CHUNK, 11)));
    String lost = redis.keys().stream().filter(k -> k.endsWith(":1")).findFirst().orElseThrow();
    redis.client.unlink(lost);

    assertThatThrownBy(sink::commit)
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot commit blob " + redis.prefix + ":blob:expired: chunk 1 of")
        .hasMessageEndingWith("is gone (its staging TTL ran out, or it was deleted)");
    assertThat(redis.keys()).isEmpty();
  }

  @Test
  void deleteRemovesTheManifestAndItsChunks() throws Exception {
    put("gone", Bytes.generated(3 * CHUNK, 10), CHUNK);

    assertThat(store.delete("gone")).isTrue();

    assertThat(store.delete("gone")).isFalse();
    assertThat(store.find("gone")).isEmpty();
    assertThat(redis.keys()).as("chunks kept for readers, expiring").hasSize(3);
    assertThat(redis.keys().stream().filter(k -> redis.client.pttl(k) > 0)).hasSize(3);
  }

  @Test
  void aCorruptManifestIsReportedByKeyAndField() {
    redis.client.hset(redis.prefix + ":blob:bad", "format", "sluice-blob/1");

    assertThatThrownBy(() -> store.find("bad"))
        .isInstanceOf(IOException.class)
        .hasMessage("corrupt blob manifest " + redis.prefix + ":blob:bad: field size is null");
  }

  @Test
  void aClosedChannelRefusesReads() throws Exception {
    put("closed", new byte[100], 100);
    ReadableByteChannel channel = store.find("closed").orElseThrow().open(0, 100);
    channel.close();

    assertThat(channel.isOpen()).isFalse();
    assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(10)))
        .isInstanceOf(java.nio.channels.ClosedChannelException.class);
  }

  @Test
  void isReadyWhileRedisAnswersPingAndNotOnceItCannotBeReached() throws Exception {
    store.checkReady();
    try (var unreachable = RedisClient.create("127.0.0.1", 1);
        RedisBlobStore gone = RedisBlobStore.builder(unreachable).prefix(redis.prefix).build()) {
      assertThatThrownBy(gone::checkReady)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("Redis did not answer PING");
    }
  }
}
