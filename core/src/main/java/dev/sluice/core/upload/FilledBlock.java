package dev.sluice.core.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * The block an append to a store of fixed-size pieces (S3 parts, Redis chunks) fills from pushed
 * chunks: copies the bytes in, hashes what it copies, and hands the block to its owner whenever it
 * is full and more bytes come. Not thread-safe: the append's writer owns it.
 */
public final class FilledBlock {

  /** Empties a full block (uploads or writes it); the block is refilled from 0 after it returns. */
  @FunctionalInterface
  public interface Full {
    /**
     * @throws IOException leaving the block as it was, full
     */
    void flush(byte[] block, int length) throws IOException;
  }

  private final byte[] block;
  private final MessageDigest digest; // null: nothing to hash
  private int filled;

  /**
   * @param block the piece-sized array, its first {@code filled} bytes already the upload's tail
   * @param digest hashes every byte copied in, or null
   */
  public FilledBlock(byte[] block, int filled, MessageDigest digest) {
    this.block = block;
    this.filled = filled;
    this.digest = digest;
  }

  /** Copies all of {@code bytes} in, flushing through {@code full} each time the block fills. */
  public void fill(ByteBuffer bytes, Full full) throws IOException {
    while (bytes.hasRemaining()) {
      if (filled == block.length) {
        full.flush(block, filled);
        filled = 0;
      }
      int n = Math.min(bytes.remaining(), block.length - filled);
      bytes.get(block, filled, n);
      if (digest != null) {
        digest.update(block, filled, n);
      }
      filled += n;
    }
  }

  /** The array; its first {@link #filled()} bytes are the content. */
  public byte[] block() {
    return block;
  }

  public int filled() {
    return filled;
  }
}
