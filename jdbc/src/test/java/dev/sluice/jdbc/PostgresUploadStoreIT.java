package dev.sluice.jdbc;

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
 * Resumable uploads into PostgreSQL large objects: the offset is the object's committed size, so a
 * fresh store resumes; completion publishes through the blob store; a checksum mismatch truncates.
 */
class PostgresUploadStoreIT {

  private String table;
  private PostgresBlobStore store;

  @BeforeEach
  void openStore() throws IOException {
    TestDatabases.require(TestDatabases.POSTGRES);
    table = TestDatabases.uniqueTable("sluice_up");
    store = PostgresBlobStore.builder(TestDatabases.POSTGRES).table(table).build();
  }

  @AfterEach
  void dropStore() throws Exception {
    PostgresUploadStore uploads = store.uploads(Clock.systemUTC());
    for (Upload upload : uploads.list()) {
      uploads.cancel(upload.id());
    }
    store.delete("a/b.bin");
    store.delete("k.bin");
    store.close();
    TestDatabases.dropQuietly(TestDatabases.POSTGRES, table);
    TestDatabases.dropQuietly(TestDatabases.POSTGRES, table + "_retired");
    TestDatabases.dropQuietly(TestDatabases.POSTGRES, table + "_uploads");
  }

  private static void write(UploadAppend append, byte[] data, int from, int to) throws IOException {
    for (int at = from; at < to; at += 70_000) {
      append.write(ByteBuffer.wrap(data, at, Math.min(70_000, to - at)).slice());
    }
  }

  private static byte[] read(Blob blob) throws IOException {
    ByteBuffer read = ByteBuffer.allocate((int) blob.size());
    try (var channel = blob.open(0, blob.size())) {
      while (read.hasRemaining() && channel.read(read) >= 0) {}
    }
    return read.array();
  }

  @Test
  void aFreshStoreResumesFromTheObjectsSizeAndCompletesWithTheSha256() throws Exception {
    byte[] data = new byte[10 << 20];
    new Random(13).nextBytes(data);
    PostgresUploadStore first = store.uploads(Clock.systemUTC());
    Upload upload =
        first.create(
            new NewUpload(
                "a/b.bin",
                data.length,
                "text/csv",
                null,
                "me",
                Instant.now().plusSeconds(60),
                true,
                null));
    UploadAppend append = first.append(upload.id(), 0);
    write(append, data, 0, 9 << 20); // past one checkpoint
    append.abort(new IOException("client went away"));

    PostgresUploadStore second = store.uploads(Clock.systemUTC());
    assertThat(second.find(upload.id()).orElseThrow().offset()).isEqualTo(9 << 20);
    UploadAppend rest = second.append(upload.id(), 9 << 20);
    write(rest, data, 9 << 20, data.length);
    rest.commit();
    var receipt = second.complete(upload.id());
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    assertThat(receipt.details()).containsEntry("sha256", sha256);
    try (Blob blob = store.find("a/b.bin").orElseThrow()) {
      assertThat(blob.sha256()).contains(sha256);
      assertThat(blob.contentType()).isEqualTo("text/csv");
      assertThat(read(blob)).isEqualTo(data);
    }
    assertThat(second.cancel(upload.id())).isTrue(); // forgets the upload, keeps the blob
    try (Blob blob = store.find("a/b.bin").orElseThrow()) {
      assertThat(read(blob)).isEqualTo(data);
    }
  }

  @Test
  void aChecksumMismatchTruncatesTheObjectToWhereTheAppendBegan() throws Exception {
    byte[] data = new byte[300_000];
    new Random(14).nextBytes(data);
    PostgresUploadStore uploads = store.uploads(Clock.systemUTC());
    Upload upload =
        uploads.create(
            new NewUpload(
                "k.bin", data.length, null, null, "me", Instant.now().plusSeconds(60), true, null));
    UploadAppend first = uploads.append(upload.id(), 0);
    write(first, data, 0, 100_000);
    first.commit();
    UploadAppend bad = uploads.append(upload.id(), 100_000);
    write(bad, new byte[150_000], 0, 150_000);
    bad.abort(new DigestMismatchException("sha1", "aa", "bb"));
    assertThat(uploads.find(upload.id()).orElseThrow().offset()).isEqualTo(100_000);
    UploadAppend rest = uploads.append(upload.id(), 100_000);
    write(rest, data, 100_000, data.length);
    rest.commit();
    uploads.complete(upload.id());
    try (Blob blob = store.find("k.bin").orElseThrow()) {
      assertThat(read(blob)).isEqualTo(data);
    }
  }
}
