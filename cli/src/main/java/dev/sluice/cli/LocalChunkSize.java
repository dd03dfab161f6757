package dev.sluice.cli;

import dev.sluice.core.job.Ingestion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The chunk size for an ingest into a local file or standard output: half the level-2 cache of a
 * core, so that the chunk the reader fills and hashes and the one the writer hands to the kernel
 * both stay in that cache (a chunk that no longer fits makes the kernel's copies miss it: the
 * sweeps on two machines are in docs/benchmarks.md, "Chunk size"). Rounded down to a power of two
 * and kept within {@link #MIN}..{@link #MAX}; {@link #UNKNOWN} where Linux's {@code
 * /sys/devices/system/cpu/cpu0/cache} does not say. Stateless.
 */
final class LocalChunkSize {

  static final int MIN = 64 << 10;
  static final int MAX = 1 << 20;

  /** The library's default, for a machine that does not tell its cache sizes. */
  static final int UNKNOWN = Ingestion.DEFAULT_CHUNK_SIZE;

  private static final Path CPU0_CACHE = Path.of("/sys/devices/system/cpu/cpu0/cache");

  private LocalChunkSize() {}

  /** The chunk size for this machine. */
  static int forThisMachine() {
    return of(CPU0_CACHE);
  }

  /** The chunk size for the caches described under {@code cacheDir} (sysfs layout). */
  static int of(Path cacheDir) {
    long level2 = levelTwoBytes(cacheDir);
    if (level2 <= 0) {
      return UNKNOWN;
    }
    long half = Math.clamp(level2 / 2, MIN, MAX);
    return Integer.highestOneBit((int) half);
  }

  /** The size of the first level-2 data or unified cache under {@code cacheDir}, or 0. */
  private static long levelTwoBytes(Path cacheDir) {
    try (Stream<Path> indexes = Files.list(cacheDir)) {
      return indexes
          .filter(index -> index.getFileName().toString().startsWith("index"))
          .sorted()
          .filter(index -> "2".equals(read(index.resolve("level"))))
          .filter(index -> !"Instruction".equals(read(index.resolve("type"))))
          .mapToLong(index -> bytes(read(index.resolve("size"))))
          .filter(size -> size > 0)
          .findFirst()
          .orElse(0);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** Parses sysfs's {@code 512K} or {@code 2M}; 0 for anything else. */
  static long bytes(String size) {
    if (size.length() < 2) {
      return 0;
    }
    int shift =
        switch (Character.toUpperCase(size.charAt(size.length() - 1))) {
          case 'K' -> 10;
          case 'M' -> 20;
          default -> -1;
        };
    try {
      return shift < 0 ? 0 : Long.parseLong(size.substring(0, size.length() - 1)) << shift;
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
