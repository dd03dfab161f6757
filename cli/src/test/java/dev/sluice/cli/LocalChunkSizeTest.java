package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalChunkSizeTest {

  @TempDir Path cache;

  private void index(int n, String level, String type, String size) throws IOException {
    Path index = Files.createDirectories(cache.resolve("index" + n));
    Files.writeString(index.resolve("level"), level + "\n");
    Files.writeString(index.resolve("type"), type + "\n");
    Files.writeString(index.resolve("size"), size + "\n");
  }

  private void levelOneAndThree() throws IOException {
    index(0, "1", "Data", "32K");
    index(1, "1", "Instruction", "32K");
    index(3, "3", "Unified", "32768K");
  }

  @ParameterizedTest(name = "L2 {0} -> {1} bytes")
  @CsvSource({
    "512K, 262144", // half the cache: the chunk being read and the one being written fit in it
    "2048K, 1048576",
    "8M, 1048576", // no more than MAX
    "1280K, 524288", // rounded down to a power of two
    "64K, 65536" // no less than MIN
  })
  void halfTheLevelTwoCacheAsAPowerOfTwoWithinTheBounds(String size, int chunk) throws IOException {
    levelOneAndThree();
    index(2, "2", "Unified", size);

    assertThat(LocalChunkSize.of(cache)).isEqualTo(chunk);
  }

  @Test
  void aLevelTwoInstructionCacheIsNotTheDataCache() throws IOException {
    index(2, "2", "Instruction", "4096K");
    index(4, "2", "Data", "1024K");

    assertThat(LocalChunkSize.of(cache)).isEqualTo(512 << 10);
  }

  @Test
  void aMachineThatDoesNotTellItsCachesGetsTheLibraryDefault() throws IOException {
    assertThat(LocalChunkSize.of(cache.resolve("absent"))).isEqualTo(LocalChunkSize.UNKNOWN);
    levelOneAndThree();
    assertThat(LocalChunkSize.of(cache)).isEqualTo(LocalChunkSize.UNKNOWN);
    index(2, "2", "Unified", "lots");
    assertThat(LocalChunkSize.of(cache)).isEqualTo(LocalChunkSize.UNKNOWN);
  }

  @Test
  void sizesAreReadInKibiOrMebibytes() {
    assertThat(LocalChunkSize.bytes("512K")).isEqualTo(512 << 10);
    assertThat(LocalChunkSize.bytes("2M")).isEqualTo(2 << 20);
    assertThat(LocalChunkSize.bytes("512")).isZero();
    assertThat(LocalChunkSize.bytes("")).isZero();
  }
}
