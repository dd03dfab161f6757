package dev.sluice.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.delivery.Delivery;
import dev.sluice.core.delivery.DeliveryPlan;
import dev.sluice.core.delivery.DeliveryRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link BlobStore} passes: a committed blob is found with its size, type,
 * SHA-256 and a strong ETag; any region reads back exactly; an abort or a digest mismatch leaves
 * the previous state; overwriting is refused with {@link FileAlreadyExistsException} when the spec
 * forbids it; and {@link Delivery} serves ranges from the store's blobs.
 *
 * {@snippet :
 * class FileBlobStoreContractTest extends BlobStoreContract {
 *   @TempDir Path dir;
 *
 *   @Override
 *   protected BlobStore store() throws IOException {
 *     return FileBlobStore.open(dir);
 *   }
 * }
 * }
 */
public abstract class BlobStoreContract {

  /** The store under test; called once per test. The suite does not close it. */
  protected abstract BlobStore store() throws IOException;

  /** The key to use for {@code name}: override to add a unique prefix in a shared store. */
  protected String key(String name) {
    return name;
  }

  /** The content size most tests store; big enough to span a store's chunks or parts. */
  protected int contentSize() {
    return 200_000;
  }

  @Test
  public void aCommittedBlobIsFoundWithItsMetadata() throws IOException {
    BlobStore store = store();
    byte[] content = TestData.random(contentSize());
    Instant before = Instant.now().minus(Duration.ofMinutes(1));
    Receipt receipt = put(store, key("meta"), content, new BlobSpec("video/mp4", true, null));

    Blob blob = store.find(key("meta")).orElseThrow();
    String sha256 = sha256(content);
    assertThat(blob.size()).isEqualTo(content.length);
    assertThat(blob.contentType()).isEqualTo("video/mp4");
    assertThat(blob.sha256()).contains(sha256);
    assertThat(blob.etag()).as("a strong, quoted tag").matches("\"[\\x21\\x23-\\x7e]+\"");
    assertThat(blob.lastModified()).isAfter(before).isBefore(Instant.now().plusSeconds(60));
    assertThat(receipt.details())
        .containsEntry("sha256", sha256)
        .containsEntry("bytes", Integer.toString(content.length))
        .containsEntry("etag", blob.etag());
  }

  @Test
  public void everyRegionReadsBackExactly() throws IOException {
    BlobStore store = store();
    byte[] content = TestData.random(contentSize());
    put(store, key("regions"), content, BlobSpec.defaults());
    Blob blob = store.find(key("regions")).orElseThrow();
    int n = content.length;
    long[][] regions = {
      {0, 0},
      {0, 1},
      {0, n},
      {n - 1, 1},
      {n, 0},
      {1, n - 2},
      {n / 3, n / 3},
      {65_535, 2},
      {n / 2, 1}
    };
    for (long[] region : regions) {
      assertThat(read(blob, region[0], region[1]))
          .as("region of %d bytes at %d", region[1], region[0])
          .isEqualTo(Arrays.copyOfRange(content, (int) region[0], (int) (region[0] + region[1])));
    }
  }

  @Test
  public void aRegionOutsideTheBlobIsRefused() throws IOException {
    BlobStore store = store();
    put(store, key("outside"), TestData.random(10), BlobSpec.defaults());
    Blob blob = store.find(key("outside")).orElseThrow();
    assertThatThrownBy(() -> blob.open(5, 6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> blob.open(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> blob.open(11, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  public void anEmptyBlobIsStored() throws IOException {
    BlobStore store = store();
    put(store, key("empty"), new byte[0], BlobSpec.defaults());
    Blob blob = store.find(key("empty")).orElseThrow();
    assertThat(blob.size()).isZero();
    assertThat(blob.sha256()).contains(sha256(new byte[0]));
  }

  @Test
  public void anAbortLeavesNothing() throws IOException {
    BlobStore store = store();
    Sink sink = store.create(key("aborted"), BlobSpec.defaults());
    sink.write(ByteBuffer.wrap(TestData.random(contentSize())));
    sink.abort(new IOException("test abort"));
    assertThat(store.find(key("aborted"))).isEmpty();
  }

  @Test
  public void aWrongDigestIsRefusedAndThePreviousBlobKept() throws IOException {
    BlobStore store = store();
    byte[] old = TestData.random(1000, 1);
    put(store, key("digest"), old, BlobSpec.defaults());
    Sink sink = store.create(key("digest"), new BlobSpec(null, true, "ab".repeat(32)));
    sink.write(ByteBuffer.wrap(TestData.random(contentSize(), 2)));
    assertThatThrownBy(sink::commit)
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining("expected " + "ab".repeat(32));
    assertThat(read(store.find(key("digest")).orElseThrow(), 0, old.length)).isEqualTo(old);
  }

  @Test
  public void anExistingKeyIsRefusedWithoutOverwrite() throws IOException {
    BlobStore store = store();
    byte[] first = TestData.random(100, 3);
    put(store, key("once"), first, BlobSpec.defaults());
    BlobSpec noOverwrite = new BlobSpec(null, false, null);
    assertThatThrownBy(() -> put(store, key("once"), TestData.random(100, 4), noOverwrite))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(read(store.find(key("once")).orElseThrow(), 0, 100)).isEqualTo(first);
  }

  @Test
  public void aKeyCreatedWhileWritingIsRefusedAtCommitWithoutOverwrite() throws IOException {
    BlobStore store = store();
    Sink late = store.create(key("race"), new BlobSpec(null, false, null));
    late.write(ByteBuffer.wrap(TestData.random(100, 5)));
    byte[] winner = TestData.random(100, 6);
    put(store, key("race"), winner, BlobSpec.defaults());
    assertThatThrownBy(late::commit).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(read(store.find(key("race")).orElseThrow(), 0, 100)).isEqualTo(winner);
  }

  @Test
  public void overwritingReplacesContentAndTag() throws IOException {
    BlobStore store = store();
    put(store, key("replace"), TestData.random(100, 7), BlobSpec.defaults());
    String firstTag = store.find(key("replace")).orElseThrow().etag();
    byte[] second = TestData.random(150, 8);
    put(store, key("replace"), second, BlobSpec.defaults());
    Blob blob = store.find(key("replace")).orElseThrow();
    assertThat(blob.size()).isEqualTo(150);
    assertThat(blob.etag()).isNotEqualTo(firstTag);
    assertThat(read(blob, 0, 150)).isEqualTo(second);
  }

  @Test
  public void deleteRemovesOnce() throws IOException {
    BlobStore store = store();
    put(store, key("deleted"), TestData.random(10), BlobSpec.defaults());
    assertThat(store.delete(key("deleted"))).isTrue();
    assertThat(store.find(key("deleted"))).isEmpty();
    assertThat(store.delete(key("deleted"))).isFalse();
    assertThat(store.find(key("never-stored"))).isEqualTo(Optional.empty());
  }

  @Test
  public void deliveryServesRangesOfTheStoresBlobs() throws IOException {
    BlobStore store = store();
    byte[] content = TestData.random(contentSize());
    put(store, key("ranges"), content, new BlobSpec("text/plain", true, null));
    Blob blob = store.find(key("ranges")).orElseThrow();
    int n = content.length;
    DeliveryPlan plan =
        Delivery.defaults().plan(DeliveryRequest.get("bytes=-10, 0-99, 1000-1999"), blob);
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.MULTIPART);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    plan.writeBody(blob, Channels.newChannel(out), ByteBuffer.allocate(4096));
    assertThat((long) out.size()).isEqualTo(plan.contentLength());
    byte[] body = out.toByteArray();
    assertThat(indexOf(body, Arrays.copyOfRange(content, 0, 100))).isPositive();
    assertThat(indexOf(body, Arrays.copyOfRange(content, 1000, 2000))).isPositive();
    assertThat(indexOf(body, Arrays.copyOfRange(content, n - 10, n))).isPositive();
  }

  /** Writes {@code content} in 8 KiB chunks and commits. */
  protected static Receipt put(BlobStore store, String key, byte[] content, BlobSpec spec)
      throws IOException {
    Sink sink = store.create(key, spec);
    try {
      for (int offset = 0; offset < content.length; offset += 8192) {
        sink.write(ByteBuffer.wrap(content, offset, Math.min(8192, content.length - offset)));
      }
    } catch (IOException | RuntimeException e) {
      sink.abort(e);
      throw e;
    }
    return sink.commit();
  }

  /** The bytes of a region, read through {@link Blob#open} in odd-sized reads. */
  protected static byte[] read(Blob blob, long offset, long length) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ReadableByteChannel in = blob.open(offset, length)) {
      ByteBuffer buffer = ByteBuffer.allocate(7919);
      while (in.read(buffer) >= 0) {
        buffer.flip();
        out.write(buffer.array(), 0, buffer.limit());
        buffer.clear();
      }
    }
    return out.toByteArray();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
