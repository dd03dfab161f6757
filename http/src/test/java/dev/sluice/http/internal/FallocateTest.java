package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.file.BlockReservation;
import dev.sluice.core.file.TemporaryFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FallocateTest {

  private static final long SIXTEEN_MIB = 16L << 20;

  @TempDir Path dir;

  @AfterEach
  void uninstall() {
    TemporaryFile.reserveBlocksWith(null);
  }

  /** The file's allocated 512-byte blocks, as {@code stat} counts them. */
  private static long blocks(Path file) throws IOException, InterruptedException {
    Process stat = new ProcessBuilder("stat", "-c", "%b", file.toString()).start();
    String out = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    assertThat(stat.waitFor()).isZero();
    return Long.parseLong(out);
  }

  @Test
  void reservesAFilesBlocksWithoutChangingItsSize() throws Exception {
    Path file = Files.createFile(dir.resolve("a.bin"));
    BlockReservation fallocate = Fallocate.ifAvailable();
    assertThat(fallocate).as("JNA and the sun.nio.ch export are there").isNotNull();

    assertThat(fallocate.reserve(file, SIXTEEN_MIB)).isTrue();

    assertThat(Files.size(file)).isZero();
    assertThat(blocks(file)).isGreaterThanOrEqualTo(SIXTEEN_MIB / 512);
  }

  @Test
  void aMissingFileIsNoReservation() {
    assertThat(Fallocate.ifAvailable().reserve(dir.resolve("missing"), SIXTEEN_MIB)).isFalse();
  }

  @Test
  void aTemporaryFileGivesBackWhatItReservedPastItsContentWhenPublished() throws Exception {
    TemporaryFile.reserveBlocksWith(Fallocate.ifAvailable());
    Path target = dir.resolve("a.txt");
    TemporaryFile file = TemporaryFile.create(target);
    file.reserve(SIXTEEN_MIB);
    assertThat(blocks(file.path())).isGreaterThanOrEqualTo(SIXTEEN_MIB / 512);
    file.channel().write(ByteBuffer.wrap("short".getBytes(StandardCharsets.UTF_8)));

    file.publish(target, false);

    assertThat(Files.readString(target)).isEqualTo("short");
    assertThat(blocks(target)).as("one file system block, not 16 MiB of them").isLessThan(64);
  }
}
