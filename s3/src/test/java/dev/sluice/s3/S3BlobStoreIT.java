package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Sources;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.S3Client;

@ExtendWith(S3ProxyExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one bucket and one multi-part object for all
class S3BlobStoreIT {

  private static final int PART = S3Upload.MIN_PART_SIZE;
  private static final long SIZE = 3L * PART + 1234;
  private static final long SEED = 42;

  private final String bucket;
  private final S3Client client;
  private final S3BlobStore store;

  S3BlobStoreIT(S3 s3) {
    this.bucket = s3.newBucket();
    this.client = s3.client();
    this.store =
        S3BlobStore.builder(client, S3Location.parse("s3://" + bucket + "/data"))
            .uploads(u -> u.partSize(PART))
            .closeClient(true)
            .build();
  }

  private byte[] content;

  @BeforeAll
  void storeOneObjectOfSeveralParts() throws IOException {
    put("ranged", SIZE, SEED, BlobSpec.defaults());
    content = readAll(Sources.generated(SIZE, SEED), SIZE);
  }

  @AfterAll
  void close() {
    store.close();
  }

  private IngestionReport put(String key, long size, long seed, BlobSpec spec) throws IOException {
    return Ingestion.from(Sources.generated(size, seed)).to(store.create(key, spec)).run();
  }

  @Test
  void aStoredBlobHasItsSizeEtagDigestAndTypeUnderThePrefix() throws Exception {
    IngestionReport report =
        put("a/b.bin", 2L * PART + 1, SEED, new BlobSpec("video/mp4", true, null));

    Blob blob = store.find("a/b.bin").orElseThrow();
    assertThat(blob.size()).isEqualTo(2L * PART + 1);
    assertThat(blob.etag()).isEqualTo(report.receipt().details().get("etag"));
    assertThat(blob.sha256()).contains(report.receipt().details().get("sha256"));
    assertThat(blob.sha256())
        .contains(MultipartSinkIT.sha256Of(Sources.generated(2L * PART + 1, SEED)));
    assertThat(blob.contentType()).isEqualTo("video/mp4");
    assertThat(blob.lastModified()).isNotNull();
    assertThat(client.headObject(b -> b.bucket(bucket).key("data/a/b.bin")).contentLength())
        .isEqualTo(2L * PART + 1);
    assertThat(store.describe()).isEqualTo("s3://" + bucket + "/data/");
  }

  @ParameterizedTest(name = "{0}+{1}")
  @CsvSource({
    "0, 1",
    "0, 5243904", // more than one part
    "5242870, 20", // across the first part boundary
    "10485750, 5242900", // across two boundaries
    "15729000, 874", // the tail of the last part
    "15728640, 1234", // exactly the last part
    "1, 15729873", // all but the first byte
    "100, 0"
  })
  void rangedReadsReturnExactlyTheRequestedBytes(long offset, long length) throws Exception {
    Blob blob = store.find("ranged").orElseThrow();

    byte[] expected = expected(offset, length);
    byte[] actual;
    try (ReadableByteChannel channel = blob.open(offset, length)) {
      actual = readAll(channel, length);
      assertThat(channel.read(ByteBuffer.allocate(10))).isEqualTo(-1);
    }
    assertThat(Arrays.equals(actual, expected)).as("bytes %d+%d", offset, length).isTrue();
  }

  @Test
  void aRegionOutsideTheBlobIsRefused() throws Exception {
    put("small", 100, SEED, BlobSpec.defaults());
    Blob blob = store.find("small").orElseThrow();
    assertThatThrownBy(() -> blob.open(90, 11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region of 11 bytes at 90 is not within the blob's 100 bytes");
  }

  @Test
  void closingMidStreamStopsTheReadAndLeavesTheClientUsable() throws Exception {
    Blob blob = store.find("ranged").orElseThrow();
    ReadableByteChannel channel = blob.open(0, SIZE);
    assertThat(channel.read(ByteBuffer.allocate(1000))).isPositive();
    channel.close();

    assertThat(channel.isOpen()).isFalse();
    assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(10)))
        .isInstanceOf(ClosedChannelException.class);
    // the aborted connection is not handed back to the pool half-read
    for (int i = 0; i < 3; i++) {
      try (ReadableByteChannel again = blob.open(SIZE - 10, 10)) {
        assertThat(readAll(again, 10)).isEqualTo(expected(SIZE - 10, 10));
      }
    }
  }

  @Test
  void aReadFailsRatherThanMixVersionsWhenTheBlobIsReplaced() throws Exception {
    put("replaced", 1000, 1, BlobSpec.defaults());
    Blob old = store.find("replaced").orElseThrow();
    put("replaced", 1000, 2, BlobSpec.defaults());

    assertThatThrownBy(() -> old.open(0, 10)).isInstanceOf(IOException.class);
  }

  @Test
  void anExpectedDigestIsVerifiedBeforeTheBlobBecomesVisible() throws Exception {
    long size = PART + 1;
    String actual = MultipartSinkIT.sha256Of(Sources.generated(size, SEED));
    String wrong = "ab".repeat(32);
    assertThatThrownBy(() -> put("checked", size, SEED, new BlobSpec(null, true, wrong)))
        .isInstanceOf(IngestionException.class)
        .cause()
        .isInstanceOf(DigestMismatchException.class)
        .hasMessage("sha256 mismatch: expected " + wrong + " but was " + actual);
    assertThat(store.find("checked")).isEmpty();
    assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();

    put("checked", size, SEED, new BlobSpec(null, true, actual.toUpperCase()));
    assertThat(store.find("checked").orElseThrow().sha256()).contains(actual);
  }

  @Test
  void withoutOverwriteCreateRefusesAnExistingKeyAndKeepsIt() throws Exception {
    put("kept", 10, 1, BlobSpec.defaults());
    assertThatThrownBy(() -> store.create("kept", new BlobSpec(null, false, null)))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessage("s3://" + bucket + "/data/kept: an object exists and overwrite is off");
    assertThat(store.find("kept").orElseThrow().size()).isEqualTo(10);
  }

  @Test
  void deleteRemovesABlobAndReportsWhetherThereWasOne() throws Exception {
    put("gone", 10, 1, BlobSpec.defaults());
    assertThat(store.delete("gone")).isTrue();
    assertThat(store.find("gone")).isEmpty();
    assertThat(store.delete("gone")).isFalse();
  }

  private byte[] expected(long offset, long length) {
    return Arrays.copyOfRange(content, (int) offset, (int) (offset + length));
  }

  private static byte[] readAll(dev.sluice.core.Source source, long length) throws IOException {
    try (source) {
      ByteBuffer buffer = ByteBuffer.allocate((int) length);
      while (buffer.hasRemaining() && source.read(buffer) != -1) {}
      return buffer.array();
    }
  }

  private static byte[] readAll(ReadableByteChannel channel, long length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        break;
      }
    }
    assertThat(buffer.position()).isEqualTo(length);
    return buffer.array();
  }
}
