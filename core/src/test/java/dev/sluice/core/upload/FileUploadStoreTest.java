package dev.sluice.core.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.LimitExceededException;
import dev.sluice.core.blob.FileBlobStore;
import dev.sluice.core.upload.UploadException.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileUploadStoreTest {

  @TempDir Path dir;
  FileBlobStore objects;
  FileUploadStore uploads;
  final Instant later = Instant.now().plusSeconds(3600);

  @BeforeEach
  void open() throws IOException {
    objects = FileBlobStore.open(dir);
    uploads = FileUploadStore.open(objects);
  }

  private Upload create(String key, long length) throws IOException {
    return uploads.create(new NewUpload(key, length, "text/plain", "m", "me", later, true, null));
  }

  private static void append(UploadAppend append, byte[] bytes, int from, int to)
      throws IOException {
    append.write(ByteBuffer.wrap(Arrays.copyOfRange(bytes, from, to)));
  }

  @Test
  void anUploadResumedByAStoreOpenedAfreshCompletesWithTheWholeObjectsSha256() throws IOException {
    byte[] data = new byte[300_000];
    new Random(7).nextBytes(data);
    Upload upload = create("big/file.bin", data.length);
    UploadAppend first = uploads.append(upload.id(), 0);
    append(first, data, 0, 100_000);
    first.abort(new IOException("client went away")); // kept: 100000 bytes

    FileUploadStore restarted = FileUploadStore.open(FileBlobStore.open(dir)); // no memory
    assertThat(restarted.find(upload.id()).orElseThrow().offset()).isEqualTo(100_000);
    UploadAppend second = restarted.append(upload.id(), 100_000);
    append(second, data, 100_000, data.length);
    assertThat(second.commit().details()).containsEntry("offset", "300000");

    var receipt = restarted.complete(upload.id());
    assertThat(receipt.details()).containsEntry("sha256", sha256(data));
    assertThat(Files.readAllBytes(dir.resolve("big/file.bin"))).isEqualTo(data);
    assertThat(objects.find("big/file.bin").orElseThrow().sha256()).contains(sha256(data));
    Upload done = restarted.find(upload.id()).orElseThrow();
    assertThat(done.complete()).isTrue();
    assertThat(done.offset()).isEqualTo(data.length);
    assertThat(done.sha256()).isEqualTo(sha256(data));
    assertThat(stagedDataFiles()).isZero();
  }

  @Test
  void anAppendAtAnotherOffsetIsRefusedWithTheUploadsOffset() throws IOException {
    Upload upload = create("k", 10);
    UploadAppend append = uploads.append(upload.id(), 0);
    append.write(ByteBuffer.wrap(new byte[4]));
    append.commit();
    assertThatThrownBy(() -> uploads.append(upload.id(), 3))
        .isInstanceOfSatisfying(
            UploadException.class,
            e -> {
              assertThat(e.problem()).isEqualTo(Problem.MISMATCHING_OFFSET);
              assertThat(e.expectedOffset()).isEqualTo(4);
              assertThat(e.providedOffset()).isEqualTo(3);
            })
        .hasMessage("offset 3 does not match the offset of upload " + upload.id() + ", which is 4");
  }

  @Test
  void aDigestMismatchDiscardsTheAppendsBytesAndKeepsTheRunningDigest() throws IOException {
    byte[] data = "hello, world".getBytes();
    Upload upload = create("k.txt", data.length);
    UploadAppend first = uploads.append(upload.id(), 0);
    append(first, data, 0, 5);
    first.commit();
    UploadAppend bad = uploads.append(upload.id(), 5);
    append(bad, new byte[] {'X', 'X'}, 0, 2);
    bad.abort(new DigestMismatchException("sha1", "aa", "bb"));
    assertThat(uploads.find(upload.id()).orElseThrow().offset()).isEqualTo(5);
    UploadAppend rest = uploads.append(upload.id(), 5);
    append(rest, data, 5, data.length);
    rest.commit();
    assertThat(uploads.complete(upload.id()).details()).containsEntry("sha256", sha256(data));
  }

  @Test
  void aWriteInterruptedByTheEngineKeepsTheFileAndItsHashConsistent() throws IOException {
    byte[] data = new byte[10_000];
    new Random(3).nextBytes(data);
    Upload upload = create("k.bin", data.length);
    UploadAppend append = uploads.append(upload.id(), 0);
    append(append, data, 0, 4000);
    Thread.currentThread().interrupt(); // as the engine stops a writer: the channel closes
    assertThatThrownBy(() -> append(append, data, 4000, 6000))
        .isInstanceOf(java.nio.channels.ClosedByInterruptException.class);
    assertThat(Thread.interrupted()).isTrue();
    append.abort(new IOException("client went away"));
    long offset = uploads.find(upload.id()).orElseThrow().offset();
    assertThat(offset).isEqualTo(4000);
    UploadAppend rest = uploads.append(upload.id(), offset);
    append(rest, data, (int) offset, data.length);
    rest.commit();
    assertThat(uploads.complete(upload.id()).details()).containsEntry("sha256", sha256(data));
  }

  @Test
  void bytesPastTheDeclaredLengthAreRefused() throws IOException {
    Upload upload = create("k", 3);
    UploadAppend append = uploads.append(upload.id(), 0);
    append(append, new byte[2], 0, 2);
    assertThatThrownBy(() -> append.write(ByteBuffer.wrap(new byte[2])))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("the data sent for upload " + upload.id());
    append.abort(new LimitExceededException("x", 3));
    assertThat(uploads.find(upload.id()).orElseThrow().offset()).isEqualTo(2);
  }

  @Test
  void aLengthDeclaredLaterMustAgreeWithWhatWasReceived() throws IOException {
    Upload upload = create("k", Upload.UNKNOWN_LENGTH);
    UploadAppend append = uploads.append(upload.id(), 0);
    append(append, new byte[5], 0, 5);
    append.commit();
    assertThatThrownBy(() -> uploads.declareLength(upload.id(), 4))
        .isInstanceOfSatisfying(
            UploadException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.INCONSISTENT_LENGTH));
    assertThat(uploads.declareLength(upload.id(), 8).length()).isEqualTo(8);
    assertThatThrownBy(() -> uploads.declareLength(upload.id(), 9))
        .isInstanceOfSatisfying(
            UploadException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.INCONSISTENT_LENGTH));
    assertThatThrownBy(() -> uploads.complete(upload.id()))
        .isInstanceOfSatisfying(
            UploadException.class,
            e -> assertThat(e.problem()).isEqualTo(Problem.INCONSISTENT_LENGTH));
  }

  @Test
  void aNewAppendEndsTheOneInProgressAtItsDurableOffset() throws Exception {
    Upload upload = create("k", Upload.UNKNOWN_LENGTH);
    UploadAppend old = uploads.append(upload.id(), 0);
    append(old, new byte[7], 0, 7);
    CountDownLatch told = new CountDownLatch(1);
    // what the server does when told: ends the old request, whose sink is then aborted
    old.onSuperseded(
        () -> {
          told.countDown();
          Thread.ofVirtual().start(() -> old.abort(new IOException("superseded")));
        });
    assertThatThrownBy(() -> uploads.append(upload.id(), 0))
        .isInstanceOfSatisfying(
            UploadException.class, e -> assertThat(e.expectedOffset()).isEqualTo(7));
    assertThat(told.getCount()).isZero();
    assertThatThrownBy(() -> old.write(ByteBuffer.wrap(new byte[1])))
        .isInstanceOf(IllegalStateException.class);
    UploadAppend next = uploads.append(upload.id(), 7);
    next.commit();
  }

  @Test
  void completingIntoAnExistingKeyThatRefusesOverwriteDiscardsTheUpload() throws IOException {
    Files.writeString(dir.resolve("taken"), "x");
    Upload upload = uploads.create(new NewUpload("taken", 1, null, null, "me", later, false, null));
    UploadAppend append = uploads.append(upload.id(), 0);
    append(append, new byte[1], 0, 1);
    append.commit();
    assertThatThrownBy(() -> uploads.complete(upload.id()))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(uploads.find(upload.id())).isEmpty();
    assertThat(stagedDataFiles()).isZero();
    assertThat(Files.readString(dir.resolve("taken"))).isEqualTo("x");
  }

  @Test
  void cancelDeletesTheUploadAndExpiredListsOnlyExpiredOnes() throws IOException {
    Upload soon =
        uploads.create(
            new NewUpload("a", 1, null, null, "me", Instant.now().minusSeconds(1), true, null));
    Upload upload = create("b", 1);
    assertThat(uploads.expired(Instant.now())).extracting(Upload::id).containsExactly(soon.id());
    assertThat(uploads.cancel(soon.id())).isTrue();
    assertThat(uploads.cancel(soon.id())).isFalse();
    assertThat(uploads.find(soon.id())).isEmpty();
    assertThat(uploads.find(upload.id())).isPresent();
    assertThat(uploads.find("../../etc")).isEmpty();
  }

  private long stagedDataFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve(FileUploadStore.FOLDER))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".data")).count();
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
