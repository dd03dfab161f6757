package dev.sluice.core.file;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
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

  /**
   * Replacing a large file keeps the replaced version open until a thread of its own closes it:
   * freeing its blocks (the last close of a replaced file does that) is not the publisher's wait.
   */
  @Test
  @EnabledOnOs(OS.LINUX) // reads the process's open files from /proc
  void replacingALargeFileLeavesFreeingTheOldVersionToAnotherThread() throws Exception {
    Path target = dir.resolve("big.bin");
    try (FileChannel old = FileChannel.open(target, CREATE_NEW, WRITE)) {
      old.write(ByteBuffer.allocate(1), ReplacedFiles.HELD_FROM_BYTES); // sparse, that large
    }
    TemporaryFile file = TemporaryFile.create(target);
    write(file, "new");
    CountDownLatch closerBusy = new CountDownLatch(1);
    ReplacedFiles.onCloserThread(
        () -> {
          try {
            closerBusy.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      file.publish(target, true);

      assertThat(Files.readString(target)).isEqualTo("new");
      assertThat(openDeletedFiles(target)).as("the replaced version, still open").isEqualTo(1);
    } finally {
      closerBusy.countDown();
    }
    Awaitility.await().until(() -> openDeletedFiles(target) == 0);
  }

  @Test
  void aSmallFileIsReplacedWithoutBeingHeld() throws IOException {
    Path target = dir.resolve("small.txt");
    Files.writeString(target, "old");

    assertThat(ReplacedFiles.hold(target)).isNull();
    assertThat(ReplacedFiles.hold(dir.resolve("none"))).isNull();
  }

  /** How many of this process's open files are {@code path} deleted (replaced). */
  private static long openDeletedFiles(Path path) throws IOException {
    String replaced = path + " (deleted)";
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).toString().equals(replaced);
                } catch (IOException e) {
                  return false; // closed meanwhile
                }
              })
          .count();
    }
  }

  @Test
  void aReservationIsAskedForFromTheThresholdOnAndLeavesTheSizeAlone() throws IOException {
    List<Long> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    TemporaryFile file = TemporaryFile.create(dir.resolve("a.bin"));
    TemporaryFile.reserveBlocksWith(
        (path, bytes) -> {
          assertThat(path).isEqualTo(file.path());
          return asked.add(bytes);
        });
    try {
      file.reserve(TemporaryFile.RESERVE_FROM - 1);
      file.reserve(TemporaryFile.RESERVE_FROM);
    } finally {
      TemporaryFile.reserveBlocksWith(null);
    }

    assertThat(asked).containsExactly(TemporaryFile.RESERVE_FROM);
    assertThat(Files.size(file.path())).isZero();
    file.discard(new IOException("test"));
  }

  @Test
  void aReservedFileWhoseChannelItsWriterClosedIsPublished() throws IOException {
    Path target = dir.resolve("a.txt");
    TemporaryFile file = TemporaryFile.create(target);
    TemporaryFile.reserveBlocksWith((path, bytes) -> true);
    try {
      file.reserve(TemporaryFile.RESERVE_FROM);
    } finally {
      TemporaryFile.reserveBlocksWith(null);
    }
    write(file, "short");
    file.channel().close(); // as the file store's writer does before it publishes

    file.publish(target, false);

    assertThat(Files.readString(target)).isEqualTo("short");
  }
}
