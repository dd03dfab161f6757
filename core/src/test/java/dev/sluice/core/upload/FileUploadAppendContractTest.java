package dev.sluice.core.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.FileBlobStore;
import dev.sluice.core.testing.UploadAppendContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared sink contract, run against an append to a new file upload: what a commit keeps is
 * exactly what was written, and becomes the object on completion; nothing an aborted append wrote
 * is visible as an object.
 */
class FileUploadAppendContractTest extends UploadAppendContract {

  @TempDir Path dir;
  FileBlobStore objects;
  FileUploadStore uploads;

  @BeforeEach
  void openStore() throws IOException {
    objects = FileBlobStore.open(dir);
    uploads = FileUploadStore.open(objects);
  }

  @Override
  protected Sink newSink() throws IOException {
    return uploads.append(newUpload(uploads), 0);
  }

  @Override
  protected void assertObject(byte[] expected, Receipt completion) throws IOException {
    assertThat(Files.readAllBytes(objects.root().resolve(KEY))).isEqualTo(expected);
    assertThat(completion.details()).containsEntry("sha256", FileUploadStoreTest.sha256(expected));
  }

  @Override
  protected void assertNothingVisible() throws IOException {
    assertThat(objects.find(KEY)).isEmpty();
  }
}
