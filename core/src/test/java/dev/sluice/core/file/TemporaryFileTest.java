package dev.sluice.core.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporaryFileTest {

  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void write(TemporaryFile file, String text) throws IOException {
    file.channel().write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void itIsAHiddenSiblingNamedTheOneWayTheSweepRecognises() throws IOException {
    TemporaryFile file = TemporaryFile.create(dir.resolve("a.bin"));

    assertThat(file.path().getParent()).isEqualTo(dir);
    assertThat(TemporaryFile.isTemporary(file.path().getFileName().toString())).isTrue();
    assertThat(TemporaryFile.isTemporary("a.bin")).isFalse();
    assertThat(TemporaryFile.isTemporary(".a.bin.sluice-1f.tmp")).isFalse();
    file.discard(new IOException("test"));
  }

  @Test
  void publishReplacingMovesTheContentOntoTheTarget() throws IOException {
    Path target = dir.resolve("a.txt");
    Files.writeString(target, "old");
    TemporaryFile file = TemporaryFile.create(target);
    write(file, "new");

    assertThat(Files.readString(target)).as("before publish").isEqualTo("old");
    file.publish(target, true);

    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(names()).containsExactly("a.txt");
  }

  @Test
  void publishWithoutReplacingRefusesAnExistingTargetAndDiscardCleansUp() throws IOException {
    Path target = dir.resolve("a.txt");
    TemporaryFile file = TemporaryFile.create(target);
    write(file, "mine");
    Files.writeString(target, "theirs"); // created while writing

    assertThatThrownBy(() -> file.publish(target, false))
        .isInstanceOf(FileAlreadyExistsException.class);
    IOException cause = new IOException("refused");
    file.discard(cause);

    assertThat(Files.readString(target)).isEqualTo("theirs");
    assertThat(names()).containsExactly("a.txt");
    assertThat(cause.getSuppressed()).isEmpty();
  }

  @Test
  void discardAfterPublishLeavesThePublishedFile() throws IOException {
    Path target = dir.resolve("a.txt");
    TemporaryFile file = TemporaryFile.create(target);
    write(file, "kept");
    file.publish(target, false);

    file.discard(new IOException("late"));

    assertThat(Files.readString(target)).isEqualTo("kept");
  }

  @Test
  void createWithFoldersMakesTheMissingFolders() throws IOException {
    Path target = dir.resolve("x/y/a.bin");

    TemporaryFile file = TemporaryFile.createWithFolders(target);

    assertThat(file.path().getParent()).isEqualTo(dir.resolve("x/y"));
    file.discard(new IOException("test"));
    assertThat(Files.list(dir.resolve("x/y")).count()).isZero();
  }

  @Test
  void createWithFoldersFailsWhenAParentIsAFile() throws IOException {
    Files.writeString(dir.resolve("x"), "a file");

    assertThatThrownBy(() -> TemporaryFile.createWithFolders(dir.resolve("x/a.bin")))
        .isInstanceOf(FileAlreadyExistsException.class);
  }
}
