package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file of {@code --resume}: kept beside the file, found only for the same upload. */
class UploadStateFileTest {

  private static final URI TARGET = URI.create("http://127.0.0.1:9/objects/isos/big.iso");
  private static final URI UPLOAD = URI.create("http://127.0.0.1:9/uploads/abc");

  @TempDir Path dir;

  @Test
  void savesBesideTheFileAndFindsTheUploadAgain() throws Exception {
    Path file = Files.writeString(dir.resolve("big.iso"), "some bytes");
    UploadStateFile state = UploadStateFile.beside(file, TARGET, "ietf");
    assertThat(state.saved()).isEmpty();

    state.save(UPLOAD);

    assertThat(state.path()).isEqualTo(dir.resolve(".big.iso.sluice-upload"));
    assertThat(UploadStateFile.beside(file, TARGET, "ietf").saved()).contains(UPLOAD);
    state.delete();
    assertThat(state.path()).doesNotExist();
  }

  @Test
  void anotherTargetProtocolOrAChangedFileStartsAfresh() throws Exception {
    Path file = Files.writeString(dir.resolve("big.iso"), "some bytes");
    UploadStateFile.beside(file, TARGET, "ietf").save(UPLOAD);

    assertThat(UploadStateFile.beside(file, URI.create(TARGET + "2"), "ietf").saved()).isEmpty();
    assertThat(UploadStateFile.beside(file, TARGET, "tus").saved()).isEmpty();
    Files.writeString(file, "other bytes");
    assertThat(UploadStateFile.beside(file, TARGET, "ietf").saved()).isEmpty();
    Files.setLastModifiedTime(file, FileTime.fromMillis(0));
    assertThat(UploadStateFile.beside(file, TARGET, "ietf").saved()).isEmpty();
  }
}
