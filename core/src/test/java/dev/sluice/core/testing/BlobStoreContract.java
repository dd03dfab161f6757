package dev.sluice.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobEntry;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.blob.ObjectKeys;
import dev.sluice.core.blob.Precondition;
import dev.sluice.core.blob.PreconditionFailedException;
import dev.sluice.core.delivery.Conditionals;
import dev.sluice.core.delivery.Delivery;
import dev.sluice.core.delivery.DeliveryPlan;
import dev.sluice.core.delivery.DeliveryRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link BlobStore} passes: a committed blob is found with its size, type,
 * SHA-256 and a strong ETag; any region reads back exactly; an abort or a digest mismatch leaves
 * the previous state; overwriting is refused with {@link FileAlreadyExistsException} when the spec
 * forbids it; a {@link Precondition} (RFC 9110 §13) is tested atomically with a write or delete;
 * readers racing overwrites and deletes see one whole version or nothing; concurrent conditional
 * writers lose no update; and {@link Delivery} serves ranges from the store's blobs. (Longer than
 * most test classes: it is the one suite every store runs.)
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

  @Test
  public void aWriteWhosePreconditionFailsIsRefusedAndChangesNothing() throws IOException {
    BlobStore store = store();
    byte[] first = TestData.random(100, 11);
    put(store, key("cond"), first, BlobSpec.defaults());
    String etag = store.find(key("cond")).orElseThrow().etag();
    Map<String, Precondition> failing =
        Map.of(
            "If-Match: \"nope\"", ifMatch("\"nope\""),
            "If-None-Match: <current>", conditional(new Conditionals(null, etag, null, null, null)),
            "If-None-Match: *", conditional(new Conditionals(null, "*", null, null, null)),
            "If-Unmodified-Since: 1990",
                conditional(
                    new Conditionals(null, null, null, "Mon, 01 Jan 1990 00:00:00 GMT", null)));
    failing.forEach(
        (name, precondition) ->
            assertThatThrownBy(
                    () ->
                        put(
                            store,
                            key("cond"),
                            TestData.random(100, 12),
                            BlobSpec.defaults().withPrecondition(precondition)))
                .as(name)
                .isInstanceOf(PreconditionFailedException.class));
    assertThat(read(store.find(key("cond")).orElseThrow(), 0, 100)).isEqualTo(first);

    byte[] second = TestData.random(100, 13);
    put(store, key("cond"), second, BlobSpec.defaults().withPrecondition(ifMatch(etag)));
    assertThat(read(store.find(key("cond")).orElseThrow(), 0, 100)).isEqualTo(second);
  }

  @Test
  public void ifMatchStarOnAMissingKeyIsRefused() throws IOException {
    BlobStore store = store();
    assertThatThrownBy(
            () ->
                put(
                    store,
                    key("cond-missing"),
                    TestData.random(10),
                    BlobSpec.defaults().withPrecondition(ifMatch("*"))))
        .isInstanceOf(PreconditionFailedException.class);
    assertThat(store.find(key("cond-missing"))).isEmpty();
  }

  @Test
  public void thePreconditionIsTestedAtCommitAgainstTheVersionThen() throws IOException {
    BlobStore store = store();
    put(store, key("cond-late"), TestData.random(100, 14), BlobSpec.defaults());
    String seen = store.find(key("cond-late")).orElseThrow().etag();
    Sink late = store.create(key("cond-late"), BlobSpec.defaults().withPrecondition(ifMatch(seen)));
    late.write(ByteBuffer.wrap(TestData.random(100, 15)));
    byte[] winner = TestData.random(100, 16);
    put(store, key("cond-late"), winner, BlobSpec.defaults().withPrecondition(ifMatch(seen)));
    assertThatThrownBy(late::commit).isInstanceOf(PreconditionFailedException.class);
    assertThat(read(store.find(key("cond-late")).orElseThrow(), 0, 100)).isEqualTo(winner);
  }

  @Test
  public void aDeleteWhosePreconditionFailsKeepsTheBlob() throws IOException {
    BlobStore store = store();
    put(store, key("cond-delete"), TestData.random(10), BlobSpec.defaults());
    assertThatThrownBy(() -> store.delete(key("cond-delete"), ifMatch("\"nope\"")))
        .isInstanceOf(PreconditionFailedException.class);
    String etag = store.find(key("cond-delete")).orElseThrow().etag();
    assertThat(store.delete(key("cond-delete"), ifMatch(etag))).isTrue();
    assertThat(store.find(key("cond-delete"))).isEmpty();
    assertThatThrownBy(() -> store.delete(key("cond-delete"), ifMatch("*")))
        .isInstanceOf(PreconditionFailedException.class);
  }

  /**
   * Readers racing overwriting writers and a deleter: every read is one whole written version (its
   * SHA-256 is one of theirs and matches the blob's) or finds nothing, never an error or a mix.
   */
  @Test
  public void readersRacingOverwritesAndDeletesSeeOneWholeVersionOrNothing() throws Exception {
    BlobStore store = store();
    String key = key("race/readers");
    int size = contentSize();
    List<byte[]> versions = new ArrayList<>();
    Set<String> hashes = ConcurrentHashMap.newKeySet();
    for (int v = 0; v < 4; v++) {
      versions.add(TestData.random(size, 100 + v));
      hashes.add(sha256(versions.get(v)));
    }
    put(store, key, versions.get(0), BlobSpec.defaults());
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger whole = new AtomicInteger();
    AtomicInteger missing = new AtomicInteger();
    AtomicInteger refusedReads = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    CountDownLatch readersStarted = new CountDownLatch(3);
    // platform threads, which the OS preempts: readers of a local store never park, and on virtual
    // threads the three of them held both carriers of a two-core machine while the writers waited
    // (0.5 s to 90 s a run)
    try (ExecutorService pool =
        Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory())) {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int writer = w;
        writers.add(
            pool.submit(
                () -> {
                  readersStarted.await();
                  for (int i = 0; i < raceRounds(); i++) {
                    if (writer == 1 && i % 5 == 4) {
                      store.delete(key);
                    } else {
                      put(store, key, versions.get((i + writer) % 4), BlobSpec.defaults());
                    }
                  }
                  return null;
                }));
      }
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        readers.add(
            pool.submit(
                () -> {
                  readersStarted.countDown();
                  do {
                    try {
                      Optional<Blob> found = store.find(key);
                      if (found.isEmpty()) {
                        missing.incrementAndGet();
                        continue;
                      }
                      try (Blob blob = found.get()) {
                        byte[] bytes = read(blob, 0, blob.size());
                        String hash = sha256(bytes);
                        if (!hashes.contains(hash)
                            || bytes.length != blob.size()
                            || !blob.sha256().orElse(hash).equals(hash)) {
                          failures.add("a mixed or partial read of " + bytes.length + " bytes");
                        } else {
                          whole.incrementAndGet();
                        }
                      }
                    } catch (IOException e) {
                      if (keepsReplacedVersionsReadable()) {
                        failures.add(e.toString());
                      } else {
                        refusedReads.incrementAndGet(); // refused, not mixed: allowed here
                      }
                    } catch (RuntimeException e) {
                      failures.add(e.toString());
                    }
                  } while (writing.get());
                  return null;
                }));
      }
      try {
        for (Future<?> writer : writers) {
          writer.get();
        }
      } finally {
        writing.set(false); // the readers stop even when a writer failed
      }
      for (Future<?> reader : readers) {
        reader.get();
      }
    }
    assertThat(failures).as("reads that failed or were not one whole version").isEmpty();
    assertThat(whole.get())
        .as("whole reads (and %d found nothing, %d refused)", missing.get(), refusedReads.get())
        .isPositive();
  }

  /**
   * Writers that each read the current version and replace it with {@code If-Match} on its ETag,
   * retrying on 412: every successful write counts, so the final counter equals the successes.
   */
  @Test
  public void concurrentConditionalWritersLoseNoUpdate() throws Exception {
    Assumptions.assumeTrue(
        preconditionsAreAtomic(), "this store tests preconditions before the commit, not with it");
    BlobStore store = store();
    String key = key("race/counter");
    put(store, key, counter(0, -1), BlobSpec.defaults());
    int writers = 4;
    int updatesEach = conditionalUpdates();
    AtomicInteger successes = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  int done = 0;
                  while (done < updatesEach) {
                    long current;
                    String etag;
                    try (Blob blob = store.find(key).orElseThrow()) {
                      etag = blob.etag();
                      current = parseCounter(read(blob, 0, blob.size()));
                    }
                    try {
                      put(
                          store,
                          key,
                          counter(current + 1, writer),
                          BlobSpec.defaults().withPrecondition(ifMatch(etag)));
                      successes.incrementAndGet();
                      done++;
                    } catch (PreconditionFailedException e) {
                      refused.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> result : results) {
        result.get();
      }
    }
    long last;
    try (Blob blob = store.find(key).orElseThrow()) {
      last = parseCounter(read(blob, 0, blob.size()));
    }
    assertThat(successes.get()).isEqualTo(writers * updatesEach);
    assertThat(last)
        .as("the counter after %d successes and %d refusals", successes.get(), refused.get())
        .isEqualTo(successes.get());
  }

  /**
   * Whether a blob found before a replace or delete still reads that version whole. A store that
   * cannot (S3 without versioning) must instead refuse the read with an {@link IOException}, never
   * serve a mix of versions.
   */
  protected boolean keepsReplacedVersionsReadable() {
    return true;
  }

  /** Whether preconditions are tested atomically with the commit (override to say they are not). */
  protected boolean preconditionsAreAtomic() {
    return true;
  }

  /** How many writes each racing writer makes; override to shorten a slow store's run. */
  protected int raceRounds() {
    return 40;
  }

  /** How many successful conditional updates each of four writers makes. */
  protected int conditionalUpdates() {
    return 10;
  }

  private static byte[] counter(long value, int writer) {
    return (value + " by writer " + writer + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static long parseCounter(byte[] content) {
    String text = new String(content, StandardCharsets.US_ASCII);
    return Long.parseLong(text.substring(0, text.indexOf(' ')));
  }

  /** The {@code PUT} preconditions of {@code conditionals}. */
  protected static Precondition conditional(Conditionals conditionals) {
    return conditionals.precondition("PUT");
  }

  /** {@code If-Match: tags}. */
  protected static Precondition ifMatch(String tags) {
    return conditional(new Conditionals(tags, null, null, null, null));
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

  /** The keys the listing tests store, in key order (UTF-8 bytes), all under {@code ls/}. */
  private static final List<String> LISTED =
      List.of(
          "ls/%41", // '%' 0x25: the file store escapes it
          "ls/.hidden", // '.' 0x2E: the file store stores a leading dot escaped
          "ls/b-1", // '-' 0x2D sorts before '/' 0x2F ...
          "ls/b/c", // ... so a "folder" b/ sorts between b-1 and b0
          "ls/b0",
          "ls/z/y/x",
          "ls/\u00e9", // é: C3 A9
          "ls/\ufffd", // EF BF BD: before the emoji in UTF-8, after it in UTF-16
          "ls/\ud83d\ude00"); // F0 9F 98 80

  /**
   * The order the store lists keys in: {@link ObjectKeys#ORDER} (UTF-8 bytes), as {@link
   * BlobStore#list} asks. Override only for a test server known to differ (s3proxy sorts by UTF-16
   * unit, where S3 sorts by UTF-8 byte).
   */
  protected Comparator<String> keyOrder() {
    return ObjectKeys.ORDER;
  }

  private List<String> storeListed(BlobStore store) throws IOException {
    List<String> keys = new ArrayList<>();
    for (String name : LISTED) {
      keys.add(key(name));
    }
    keys.sort(keyOrder());
    List<String> shuffled = new ArrayList<>(keys);
    java.util.Collections.shuffle(shuffled, new java.util.Random(7));
    for (String key : shuffled) {
      put(store, key, TestData.random(10 + key.length()), new BlobSpec("text/plain", true, null));
    }
    put(store, key("lt"), TestData.random(3), BlobSpec.defaults()); // outside the prefix
    return keys;
  }

  /** What the keys of {@link #storeListed} start with in this store. */
  private String listedPrefix() {
    String first = key("ls/x");
    return first.substring(0, first.length() - 1);
  }

  private static List<String> keysOf(BlobStore store, String prefix, String after)
      throws IOException {
    try (Stream<BlobEntry> entries = store.list(prefix, after)) {
      return entries.map(BlobEntry::key).toList();
    }
  }

  @Test
  public void aListingGivesTheKeysUnderAPrefixInUtf8Order() throws IOException {
    BlobStore store = store();
    List<String> keys = storeListed(store);
    assertThat(keysOf(store, listedPrefix(), "")).containsExactlyElementsOf(keys);
    String b = listedPrefix() + "b";
    assertThat(keysOf(store, b, "")).containsExactly(keys.get(2), keys.get(3), keys.get(4));
    assertThat(keysOf(store, listedPrefix() + "q", "")).isEmpty();
  }

  @Test
  public void aListingEntryDescribesTheBlobAsFindDoes() throws IOException {
    BlobStore store = store();
    List<String> keys = storeListed(store);
    try (Stream<BlobEntry> entries = store.list(listedPrefix(), "")) {
      for (BlobEntry entry : entries.toList()) {
        Blob blob = store.find(entry.key()).orElseThrow();
        assertThat(entry.size()).as(entry.key()).isEqualTo(blob.size());
        assertThat(entry.etag()).as(entry.key()).isEqualTo(blob.etag());
        assertThat(entry.lastModified().getEpochSecond())
            .as(entry.key())
            .isEqualTo(blob.lastModified().getEpochSecond());
        if (entry.contentType() != null) {
          assertThat(entry.contentType()).isEqualTo("text/plain");
        }
      }
    }
    assertThat(keys).hasSize(LISTED.size());
  }

  @Test
  public void aListingResumesAfterAnyKeyWithoutRepeatingOne() throws IOException {
    BlobStore store = store();
    List<String> keys = storeListed(store);
    for (int i = 0; i < keys.size(); i++) {
      assertThat(keysOf(store, listedPrefix(), keys.get(i)))
          .as("after %s", keys.get(i))
          .containsExactlyElementsOf(keys.subList(i + 1, keys.size()));
    }
    // a cursor that is no key, or a folder's name, starts at the next key
    assertThat(keysOf(store, listedPrefix(), listedPrefix() + "b"))
        .containsExactlyElementsOf(keys.subList(2, keys.size()));
    assertThat(keysOf(store, listedPrefix(), listedPrefix() + "b/"))
        .containsExactlyElementsOf(keys.subList(3, keys.size()));
    // a cursor before the prefix lists it all; one after it, nothing
    assertThat(keysOf(store, listedPrefix(), "")).hasSize(keys.size());
    assertThat(keysOf(store, listedPrefix(), keys.get(keys.size() - 1) + "x")).isEmpty();
  }

  @Test
  public void pagesOfAListingJoinIntoTheWholeListing() throws IOException {
    BlobStore store = store();
    List<String> keys = storeListed(store);
    List<String> seen = new ArrayList<>();
    String after = "";
    while (true) {
      List<String> page;
      try (Stream<BlobEntry> entries = store.list(listedPrefix(), after).limit(2)) {
        page = entries.map(BlobEntry::key).toList();
      }
      if (page.isEmpty()) {
        break;
      }
      seen.addAll(page);
      after = page.get(page.size() - 1);
    }
    assertThat(seen).containsExactlyElementsOf(keys);
  }

  @Test
  public void aDeletedOrAbortedBlobIsNotListed() throws IOException {
    BlobStore store = store();
    List<String> keys = storeListed(store);
    assertThat(store.delete(keys.get(3))).isTrue();
    Sink aborted = store.create(key("ls/c"), BlobSpec.defaults());
    aborted.write(ByteBuffer.wrap(TestData.random(100)));
    aborted.abort(new IOException("test abort"));
    Sink open = store.create(key("ls/d"), BlobSpec.defaults());
    open.write(ByteBuffer.wrap(TestData.random(100)));
    List<String> expected = new ArrayList<>(keys);
    expected.remove(3);
    assertThat(keysOf(store, listedPrefix(), "")).containsExactlyElementsOf(expected);
    open.abort(new IOException("test abort"));
  }

  protected static String sha256(byte[] bytes) {
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
