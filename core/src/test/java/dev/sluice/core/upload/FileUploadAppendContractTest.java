package dev.sluice.core.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.FileBlobStore;
import dev.sluice.core.testing.SinkContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared sink contract, run against an append to a new file upload: what a commit keeps is
 * exactly what was written, and becomes the object on completion; nothing an aborted append wrote
 * is visible as an object.
 */
class FileUploadAppendContractTest extends SinkContract {

  @TempDir Path dir;
  FileBlobStore objects;
  FileUploadStore uploads;
  String id;

  @BeforeEach
  void openStore() throws IOException {
    objects = FileBlobStore.open(dir);
    uploads = FileUploadStore.open(objects);
  }

  @Override
  protected Sink newSink() throws IOException {
    id =
        uploads
            .create(
                new NewUpload(
                    "a/object.bin",
                    Upload.UNKNOWN_LENGTH,
                    null,
                    null,
                    "owner",
                    Instant.now().plusSeconds(3600),
                    true,
                    null))
            .id();
    return uploads.append(id, 0);
  }

  @Override
  protected void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
    assertThat(receipt.details()).containsEntry("offset", Integer.toString(expected.length));
    Receipt object = uploads.complete(id);
    assertThat(Files.readAllBytes(objects.root().resolve("a/object.bin"))).isEqualTo(expected);
    assertThat(object.details())
        .containsEntry("sha256", FileUploadStoreTest.sha256(expected))
        .containsEntry("offset", Integer.toString(expected.length));
  }

  @Override
  protected void assertNothingVisible() throws IOException {
    assertThat(objects.find("a/object.bin")).isEmpty();
  }
}
