package dev.sluice.core.blob;

import static dev.sluice.core.blob.FileBlobStoreSinkContractTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileBlobStoreTest {

  @TempDir Path dir;
  Path root;
  FileBlobStore store;

  @BeforeEach
  void openStore() throws IOException {
    root = dir.resolve("store");
    store = FileBlobStore.open(root);
  }

  Receipt put(String key, String content, BlobSpec spec) throws IOException {
    Sink sink = store.create(key, spec);
    sink.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
    return sink.commit();
  }

  Receipt put(String key, String content) throws IOException {
    return put(key, content, BlobSpec.defaults());
  }

  static String read(Blob blob, long offset, long length) throws IOException {
    try (ReadableByteChannel in = blob.open(offset, length)) {
      return new String(Channels.newInputStream(in).readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aCommittedBlobCarriesItsMetadata() throws IOException {
    Instant before = Instant.now().minusSeconds(2);
    Receipt receipt =
        put("docs/readme.txt", "hello, world", new BlobSpec("text/plain", true, null));
    String sha = sha256("hello, world".getBytes(StandardCharsets.UTF_8));

    Blob blob = store.find("docs/readme.txt").orElseThrow();
    assertThat(blob).isInstanceOf(FileBlob.class);
    assertThat(blob.size()).isEqualTo(12);
    assertThat(blob.contentType()).isEqualTo("text/plain");
    assertThat(blob.sha256()).contains(sha);
    assertThat(blob.etag()).isEqualTo("\"" + sha + "\"");
    assertThat(blob.lastModified()).isBetween(before, Instant.now().plusSeconds(2));
    assertThat(read(blob, 7, 5)).isEqualTo("world");
    assertThat(read(blob, 0, 0)).isEmpty();
    assertThat(receipt.details())
        .containsEntry("key", "docs/readme.txt")
        .containsEntry("bytes", "12")
        .containsEntry("sha256", sha)
        .containsEntry("etag", "\"" + sha + "\"")
        .containsEntry("contentType", "text/plain");
    assertThat(((FileBlob) blob).path()).isEqualTo(root.resolve("docs/readme.txt"));
    assertThat(store.describe()).isEqualTo("file:" + root);
  }

  @Test
  void openRefusesARegionOutsideTheBlob() throws IOException {
    put("k", "abc");
    Blob blob = store.find("k").orElseThrow();
    assertThatThrownBy(() -> blob.open(2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region of 2 bytes at 2 is not within the blob's 3 bytes");
    assertThatThrownBy(() -> blob.open(-1, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDigestMismatchStoresNothingAndKeepsThePreviousObject() throws IOException {
    put("k", "old");
    String wrong = "0".repeat(64);
    Sink sink = store.create("k", new BlobSpec(null, true, wrong));
    sink.write(ByteBuffer.wrap("new".getBytes(StandardCharsets.UTF_8)));
    String actual = sha256("new".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(sink::commit)
        .isInstanceOf(DigestMismatchException.class)
        .hasMessage("sha256 mismatch: expected " + wrong + " but was " + actual);
    assertThat(read(store.find("k").orElseThrow(), 0, 3)).isEqualTo("old");
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void aMatchingExpectedDigestCommitsInAnyCase() throws IOException {
    String sha = sha256("data".getBytes(StandardCharsets.UTF_8));
    put("k", "data", new BlobSpec(null, false, sha.toUpperCase()));
    assertThat(store.find("k").orElseThrow().sha256()).contains(sha);
  }

  @Test
  void aMalformedExpectedDigestIsRefusedUpFront() {
    assertThatThrownBy(() -> store.create("k", new BlobSpec(null, true, "abc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expectedSha256 must be 64 hex digits: \"abc\"");
  }

  @Test
  void aContentTypeWithControlCharactersIsRefused() {
    assertThatThrownBy(() -> store.create("k", new BlobSpec("text/plain\r\nX: y", true, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "contentType must not contain control characters: \"text/plain\\u000D\\u000AX: y\"");
  }

  @Test
  void withoutOverwriteAnExistingKeyIsRefusedAtCreate() throws IOException {
    put("k", "first");
    assertThatThrownBy(() -> store.create("k", new BlobSpec(null, false, null)))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessage("k: an object already exists under this key and overwriting is not allowed");
  }

  @Test
  void withoutOverwriteAKeyCreatedWhileWritingIsRefusedAtCommit() throws IOException {
    Sink late = store.create("k", new BlobSpec(null, false, null));
    late.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    put("k", "first");
    assertThatThrownBy(late::commit)
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessage("k: an object already exists under this key and overwriting is not allowed");
    assertThat(read(store.find("k").orElseThrow(), 0, 5)).isEqualTo("first");
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void overwriteReplacesContentAndTag() throws IOException {
    put("k", "first");
    String firstTag = store.find("k").orElseThrow().etag();
    put("k", "second!");
    Blob blob = store.find("k").orElseThrow();
    assertThat(read(blob, 0, 7)).isEqualTo("second!");
    assertThat(blob.etag()).isNotEqualTo(firstTag);
  }

  @Test
  void anEmptyObjectIsStored() throws IOException {
    Receipt receipt = store.create("empty", BlobSpec.defaults()).commit();
    Blob blob = store.find("empty").orElseThrow();
    assertThat(blob.size()).isZero();
    assertThat(blob.sha256()).contains(sha256(new byte[0]));
    assertThat(receipt.details()).containsEntry("bytes", "0");
  }

  @Test
  void deleteRemovesTheObjectAndItsMetadata() throws IOException {
    put("a/b", "x");
    assertThat(store.delete("a/b")).isTrue();
    assertThat(store.find("a/b")).isEmpty();
    assertThat(store.delete("a/b")).isFalse();
    assertThat(store.delete("a")).as("a folder is not an object").isFalse();
    assertThat(root.resolve("a")).as("the empty folder goes with its last object").doesNotExist();
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void aMissingKeyOrAFolderIsNotFound() throws IOException {
    put("a/b", "x");
    assertThat(store.find("nothing")).isEmpty();
    assertThat(store.find("a")).isEmpty();
    assertThat(store.find("a/b/c")).isEmpty();
  }

  @Test
  void aKeyCannotBeBothAnObjectAndAPrefix() throws IOException {
    put("a", "x");
    assertThatThrownBy(() -> store.create("a/b", BlobSpec.defaults()))
        .isInstanceOf(FileSystemException.class)
        .hasMessage("a/b: cannot store an object under this key: a prefix of it is an object");
    put("c/d", "y");
    assertThatThrownBy(() -> store.create("c", BlobSpec.defaults()))
        .isInstanceOf(FileSystemException.class)
        .hasMessage("c: cannot store an object under this key: it is a folder of other objects");
  }

  @Test
  void dotSegmentsAreStoredWithoutCollidingWithTheStoresOwnFiles() throws IOException {
    put(".sluice-meta/x", "one");
    put(".hidden", "two");
    put("%2Ehidden", "three");
    put("dir/.sluice-0.tmp", "four");
    assertThat(read(store.find(".sluice-meta/x").orElseThrow(), 0, 3)).isEqualTo("one");
    assertThat(read(store.find(".hidden").orElseThrow(), 0, 3)).isEqualTo("two");
    assertThat(read(store.find("%2Ehidden").orElseThrow(), 0, 5)).isEqualTo("three");
    assertThat(read(store.find("dir/.sluice-0.tmp").orElseThrow(), 0, 4)).isEqualTo("four");
    assertThat(store.find(".hidden").orElseThrow().sha256()).isPresent();
    try (Stream<Path> top = Files.list(root)) {
      assertThat(top.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(
              ".sluice-meta", "%2Esluice-meta", "%2Ehidden", "%252Ehidden", "dir");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"../escape", "a/../../escape", "/tmp/escape", "a//b", "a/", ".", "x\u0000y", ""})
  void hostileKeysAreRefusedEverywhereAndTouchNothing(String key) throws IOException {
    assertThatThrownBy(() -> store.create(key, BlobSpec.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid key ");
    assertThatThrownBy(() -> store.find(key)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files).containsExactlyInAnyOrder(dir, root);
    }
  }

  @Test
  void aSegmentTooLongForAFileNameIsRefused() {
    assertThatThrownBy(() -> store.create("a/" + "x".repeat(256), BlobSpec.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(
            ": a segment is 256 bytes once stored as a file name, more than the file store's limit of 255");
    assertThatThrownBy(() -> store.create("." + "x".repeat(253), BlobSpec.defaults()))
        .hasMessageEndingWith(
            ": a segment is 256 bytes once stored as a file name, more than the file store's limit of 255");
  }

  @Test
  void aDataFileChangedBehindTheStoresBackLosesItsStaleMetadata() throws IOException {
    put("k", "original", new BlobSpec("text/plain", true, null));
    Path file = root.resolve("k");
    Files.writeString(file, "changed by hand");
    Blob blob = store.find("k").orElseThrow();
    assertThat(blob.sha256()).isEmpty();
    assertThat(blob.contentType()).isEqualTo("application/octet-stream");
    assertThat(blob.etag()).matches("\"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\"");
    assertThat(read(blob, 0, 15)).isEqualTo("changed by hand");
  }

  @Test
  void aBlobFoundBeforeAReplacementServesTheVersionItFound() throws IOException {
    put("k", "first");
    Blob found = store.find("k").orElseThrow();
    put("k", "second!");
    assertThat(found.size()).isEqualTo(5);
    assertThat(read(found, 0, 5)).isEqualTo("first");
    assertThat(read(store.find("k").orElseThrow(), 0, 7)).isEqualTo("second!");
  }

  @Test
  void aBlobFoundBeforeADeleteServesTheVersionItFound() throws IOException {
    put("d/k", "first");
    Blob found = store.find("d/k").orElseThrow();
    assertThat(store.delete("d/k")).isTrue();
    assertThat(read(found, 0, 5)).isEqualTo("first");
    assertThat(store.find("d/k")).isEmpty();
  }

  @Test
  void staleTemporaryFilesAreSweptWhenTheStoreOpens() throws IOException {
    put("dir/kept", "x");
    Path stale = root.resolve("dir/.sluice-1f.tmp");
    Path staleMeta = root.resolve(".sluice-meta/dir/.sluice-2e.tmp");
    Path fresh = root.resolve("dir/.sluice-3d.tmp");
    Path orphanFolder = root.resolve("gone/deeper");
    Files.createDirectories(orphanFolder);
    Path orphan = orphanFolder.resolve(".sluice-4c.tmp");
    for (Path p : List.of(stale, staleMeta, fresh, orphan)) {
      Files.writeString(p, "partial upload");
    }
    java.nio.file.attribute.FileTime old =
        java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(2 * 3600));
    for (Path p : List.of(stale, staleMeta, orphan)) {
      Files.setLastModifiedTime(p, old);
    }
    Files.writeString(root.resolve("dir/notes.tmp"), "not the store's");

    FileBlobStore.open(root);

    assertThat(stale).doesNotExist();
    assertThat(staleMeta).doesNotExist();
    assertThat(orphan).doesNotExist();
    assertThat(root.resolve("gone")).doesNotExist();
    assertThat(fresh).exists();
    assertThat(root.resolve("dir/notes.tmp")).exists();
    assertThat(read(store.find("dir/kept").orElseThrow(), 0, 1)).isEqualTo("x");
  }

  @Test
  void deletingTheLastObjectOfAFolderFreesTheFoldersKey() throws IOException {
    put("d/e", "x");
    assertThat(store.delete("d/e")).isTrue();
    assertThat(root.resolve("d")).doesNotExist();
    put("d", "now an object");
    assertThat(read(store.find("d").orElseThrow(), 0, 13)).isEqualTo("now an object");
  }

  @Test
  void anAbortedUploadLeavesNoFolderBehind() throws IOException {
    Sink sink = store.create("p/q/r", new BlobSpec(null, true, "ab".repeat(32)));
    sink.write(ByteBuffer.wrap("bad digest".getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(sink::commit).isInstanceOf(DigestMismatchException.class);
    assertThat(root.resolve("p")).doesNotExist();
    put("p", "x");
    assertThat(read(store.find("p").orElseThrow(), 0, 1)).isEqualTo("x");
  }

  @Test
  void anEmptyFolderLeftByACrashDoesNotBlockItsKey() throws IOException {
    Files.createDirectories(root.resolve("crash/left/this"));
    put("crash", "x");
    assertThat(read(store.find("crash").orElseThrow(), 0, 1)).isEqualTo("x");
    put("full/one", "y");
    assertThatThrownBy(() -> put("full", "z"))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("it is a folder of other objects");
  }

  @Test
  void deletingTheLastObjectKeepsAFolderThatStillHoldsOthers() throws IOException {
    put("f/a", "1");
    put("f/b", "2");
    assertThat(store.delete("f/a")).isTrue();
    assertThat(read(store.find("f/b").orElseThrow(), 0, 1)).isEqualTo("2");
  }

  @Test
  void concurrentWritersToOneKeyLeaveOneCompleteConsistentObject() throws Exception {
    int writers = 8;
    CountDownLatch start = new CountDownLatch(1);
    Set<String> contents = ConcurrentHashMap.newKeySet();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Receipt>> results = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String content = ("writer " + w + " ").repeat(10_000 + w);
        contents.add(content);
        results.add(
            pool.submit(
                () -> {
                  Sink sink = store.create("shared/key", BlobSpec.defaults());
                  start.await();
                  byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
                  for (int off = 0; off < bytes.length; off += 4096) {
                    sink.write(ByteBuffer.wrap(bytes, off, Math.min(4096, bytes.length - off)));
                  }
                  return sink.commit();
                }));
      }
      start.countDown();
      for (Future<Receipt> result : results) {
        assertThat(result.get().details()).containsKey("sha256");
      }
    }
    Blob blob = store.find("shared/key").orElseThrow();
    String stored = read(blob, 0, blob.size());
    assertThat(contents).contains(stored);
    assertThat(blob.sha256()).contains(sha256(stored.getBytes(StandardCharsets.UTF_8)));
    assertThat(temporaryFiles()).isEmpty();
  }

  @Test
  void concurrentWritersWithoutOverwriteLetExactlyOneWin() throws Exception {
    int writers = 8;
    CountDownLatch ready = new CountDownLatch(writers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int w = 0; w < writers; w++) {
        String content = "writer " + w;
        results.add(
            pool.submit(
                () -> {
                  Sink sink = store.create("once", new BlobSpec(null, false, null));
                  sink.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                  ready.countDown();
                  start.await();
                  try {
                    sink.commit();
                    return content;
                  } catch (FileAlreadyExistsException e) {
                    return null;
                  }
                }));
      }
      ready.await();
      start.countDown();
    }
    List<String> winners = new ArrayList<>();
    for (Future<String> result : results) {
      if (result.get() != null) {
        winners.add(result.get());
      }
    }
    assertThat(winners).hasSize(1);
    assertThat(read(store.find("once").orElseThrow(), 0, 8)).isEqualTo(winners.get(0));
    assertThat(temporaryFiles()).isEmpty();
  }

  /**
   * Needs a small, empty file system, e.g. {@code mount -t tmpfs -o size=2m tmpfs /mnt/small} and
   * {@code -Dsluice.small-fs=/mnt/small} or {@code SLUICE_SMALL_FS=/mnt/small} ({@code .ci/run}
   * mounts one where it may): a full disk fails the upload with a typed exception naming the key,
   * and leaves no temporary file, sidecar or folder, even when only the sidecar fails.
   */
  @Test
  @EnabledIf("smallFileSystemGiven")
  void aFullDiskFailsNamingTheKeyAndLeavesNoTemporaryFile() throws IOException {
    Path small = Files.createTempDirectory(smallFileSystem(), "full");
    try {
      FileBlobStore full = FileBlobStore.open(small.resolve("store"));
      Sink sink = full.create("big/one", BlobSpec.defaults());
      IOException failure =
          org.junit.jupiter.api.Assertions.assertThrows(
              IOException.class,
              () -> {
                for (int i = 0; i < 1024; i++) {
                  sink.write(ByteBuffer.allocate(64 * 1024));
                }
                sink.commit();
              });
      sink.abort(failure);
      assertThat(failure)
          .isInstanceOf(InsufficientStorageException.class)
          .hasMessage("no space left in the store for 'big/one'");
      assertThat(full.find("big/one")).isEmpty();
      assertThat(small.resolve("store/big")).doesNotExist();

      Path filler = small.resolve("filler");
      try (var out =
          java.nio.channels.FileChannel.open(
              filler,
              java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.WRITE)) {
        ByteBuffer page = ByteBuffer.allocate(4096);
        try {
          while (true) {
            page.clear();
            out.write(page);
          }
        } catch (IOException e) {
          // full
        }
        out.truncate(out.size() / 4096 * 4096 - 4096); // one page left: the data, not the sidecar
      }
      Sink last = full.create("k", BlobSpec.defaults());
      last.write(ByteBuffer.allocate(4096));
      assertThatThrownBy(last::commit).isInstanceOf(InsufficientStorageException.class);
      assertThat(full.find("k")).isEmpty();
      try (Stream<Path> files = Files.walk(small.resolve("store"))) {
        assertThat(files.filter(Files::isRegularFile)).as("files left behind").isEmpty();
      }
    } finally {
      try (Stream<Path> files = Files.walk(small)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void theSinkEndsExactlyOnce() throws IOException {
    Sink sink = store.create("k", BlobSpec.defaults());
    sink.commit();
    assertThatThrownBy(() -> sink.write(ByteBuffer.allocate(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the sink file-store(k) has already ended");
    assertThat(sink).hasToString("file-store(k)");
  }

  private List<Path> temporaryFiles() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  static boolean smallFileSystemGiven() {
    return smallFileSystem() != null;
  }

  private static Path smallFileSystem() {
    String given = System.getProperty("sluice.small-fs", System.getenv("SLUICE_SMALL_FS"));
    return given == null || given.isBlank() ? null : Path.of(given);
  }

  @Test
  void isReadyWhileItsFolderExistsAndSaysSoWithoutThePathOnceItIsGone() throws Exception {
    store.checkReady();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    assertThatThrownBy(store::checkReady)
        .isInstanceOf(IOException.class)
        .hasMessage("the store folder is gone");
  }

  /**
   * A sidecar is read from disk once per version of its object: the store writes one only with a
   * new data file, so a sidecar that still describes the data file is served from memory (an edit
   * of the file by hand shows only once the object is written again).
   */
  @Test
  void anObjectsMetadataIsReadFromDiskOncePerVersion() throws IOException {
    put("k", "first", new BlobSpec("text/plain", true, null));
    assertThat(store.find("k").orElseThrow().contentType()).isEqualTo("text/plain");
    Path sidecar;
    try (Stream<Path> files = Files.walk(root.resolve(".sluice-meta"))) {
      sidecar = files.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    Files.writeString(
        sidecar, Files.readString(sidecar).replace("text/plain", "text/edited-by-hand"));

    assertThat(store.find("k").orElseThrow().contentType()).isEqualTo("text/plain");

    put("k", "second", new BlobSpec("application/json", true, null));
    Blob second = store.find("k").orElseThrow();
    assertThat(second.contentType()).isEqualTo("application/json");
    assertThat(second.sha256()).contains(sha256("second".getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Writes and deletes of keys in the same folders, at once: a delete removes the folders it left
   * empty while a write is making them or writing into them, and the write must still land (it once
   * failed as "a prefix of it is an object", a folder seen to exist and then gone).
   */
  @Test
  void writesAndDeletesSharingFoldersAllLand() throws Exception {
    int rounds = 1_500;
    try (ExecutorService pool =
        Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().factory())) {
      List<Future<Integer>> workers = new ArrayList<>();
      for (String name : List.of("a", "b", "c")) {
        workers.add(
            pool.submit(
                () -> {
                  String key = "shared/folder/" + name;
                  for (int i = 0; i < rounds; i++) {
                    put(key, name + i, BlobSpec.defaults());
                    assertThat(store.delete(key)).as("%s, round %d", key, i).isTrue();
                  }
                  return rounds;
                }));
      }
      // a staged file published in place (a resumable upload's end): its folder is made empty and
      // stays empty until the file is moved in
      Path staging = Files.createDirectories(dir.resolve("staging"));
      workers.add(
          pool.submit(
              () -> {
                String key = "shared/folder/staged";
                for (int i = 0; i < rounds; i++) {
                  byte[] content = ("staged" + i).getBytes(StandardCharsets.UTF_8);
                  Path staged = Files.write(staging.resolve("s" + i), content);
                  store.publish(key, BlobSpec.defaults(), staged, sha256(content));
                  assertThat(store.delete(key)).as("%s, round %d", key, i).isTrue();
                }
                return rounds;
              }));
      for (Future<Integer> worker : workers) {
        assertThat(worker.get()).isEqualTo(rounds);
      }
    }
    assertThat(store.find("shared/folder/a")).isEmpty();
  }
}
