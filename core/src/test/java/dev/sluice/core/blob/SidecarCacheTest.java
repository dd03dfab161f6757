package dev.sluice.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.file.TemporaryFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SidecarCacheTest {

  @TempDir Path dir;

  /** Writes {@code data} and a sidecar describing it with {@code contentType}. */
  private BasicFileAttributes write(Path data, Path sidecar, String content, String contentType)
      throws IOException {
    Files.writeString(data, content);
    BasicFileAttributes attributes = Files.readAttributes(data, BasicFileAttributes.class);
    TemporaryFile written =
        Sidecar.describing(contentType, "0".repeat(64), attributes).writeTemporary(sidecar);
    written.publish(sidecar, true);
    return attributes;
  }

  @Test
  void pathsSharingTheOneSlotAreEachReadAsTheyAre() throws IOException {
    SidecarCache cache = new SidecarCache(1);
    BasicFileAttributes a = write(dir.resolve("a"), dir.resolve("a.meta"), "a", "text/a");
    BasicFileAttributes b = write(dir.resolve("b"), dir.resolve("b.meta"), "bb", "text/b");

    for (int round = 0; round < 2; round++) {
      assertThat(cache.read(dir.resolve("a.meta"), a).orElseThrow().contentType())
          .isEqualTo("text/a");
      assertThat(cache.read(dir.resolve("b.meta"), b).orElseThrow().contentType())
          .isEqualTo("text/b");
    }
  }

  @Test
  void aNewVersionOfTheDataIsDescribedByTheSidecarWrittenWithIt() throws IOException {
    SidecarCache cache = new SidecarCache(16);
    Path data = dir.resolve("d");
    Path sidecar = dir.resolve("d.meta");
    BasicFileAttributes first = write(data, sidecar, "one", "text/one");
    assertThat(cache.read(sidecar, first).orElseThrow().contentType()).isEqualTo("text/one");

    Files.delete(data); // a new file, as the store's writer makes
    BasicFileAttributes second = write(data, sidecar, "second", "text/two");

    assertThat(cache.read(sidecar, second).orElseThrow().contentType()).isEqualTo("text/two");
    assertThat(cache.read(sidecar, first)).as("the old version's attributes").isEmpty();
  }

  @Test
  void noSidecarIsEmptyAndNothingIsCached() throws IOException {
    SidecarCache cache = new SidecarCache(16);
    Path data = dir.resolve("d");
    Files.writeString(data, "x");
    BasicFileAttributes attributes = Files.readAttributes(data, BasicFileAttributes.class);

    assertThat(cache.read(dir.resolve("none.meta"), attributes)).isEmpty();
    assertThatThrownBy(() -> new SidecarCache(3)).isInstanceOf(IllegalArgumentException.class);
  }
}
