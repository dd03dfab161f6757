package dev.sluice.core;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Deterministic pseudo-random bytes: a 1 MiB block drawn from the seed, repeated. The period is
 * longer than deflate's 32 KiB window, so the stream does not compress, yet it costs a memory copy
 * per byte to produce.
 */
final class GeneratedSource implements Source {

  private static final int BLOCK = 1 << 20;

  private final long size;
  private final long seed;
  private final ByteBuffer block;
  private long produced;

  public GeneratedSource(long size, long seed) {
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0: " + size);
    }
    this.size = size;
    this.seed = seed;
    int blockSize = (int) Math.min(BLOCK, Math.max(size, 8));
    byte[] bytes = new byte[blockSize];
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < bytes.length; i += 8) {
      long value = random.nextLong();
      for (int j = 0; j < 8 && i + j < bytes.length; j++) {
        bytes[i + j] = (byte) (value >>> (8 * j));
      }
    }
    this.block = ByteBuffer.wrap(bytes);
  }

  /** The byte at {@code offset} of the stream, for tests that check content. */
  public byte byteAt(long offset) {
    return block.get((int) (offset % block.capacity()));
  }

  @Override
  public boolean readsPromptly() {
    return true;
  }

  @Override
  public int read(ByteBuffer into) {
    if (produced >= size) {
      return -1;
    }
    int total = 0;
    while (into.hasRemaining() && produced < size) {
      int offset = (int) (produced % block.capacity());
      int n =
          (int) Math.min(Math.min(into.remaining(), block.capacity() - offset), size - produced);
      into.put(block.slice(offset, n));
      produced += n;
      total += n;
    }
    return total;
  }

  @Override
  public long length() {
    return size - produced;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "gen(" + size + ":" + seed + ")";
  }
}
