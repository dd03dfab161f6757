package dev.sluice.records.internal;

import java.nio.ByteBuffer;

/**
 * Drops a UTF-8 byte-order mark ({@code EF BB BF}) at the very start of a stream pushed in chunks
 * of any size, as spreadsheet programs write one before CSV. A mark anywhere else is data.
 */
final class LeadingBom {

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private int matched;
  private boolean decided;

  /** True once the start of the stream has been seen and a mark, if any, dropped. */
  boolean decided() {
    return decided;
  }

  /** The number of bytes dropped: 3 after a mark, else 0. */
  int dropped() {
    return decided && matched == BOM.length ? BOM.length : 0;
  }

  /**
   * The bytes of {@code chunk} to process: {@code chunk} itself past any mark bytes, or, when a
   * partial mark turns out to be data, a new buffer of the held-back bytes and the rest of {@code
   * chunk}. Consumes {@code chunk} accordingly.
   */
  ByteBuffer strip(ByteBuffer chunk) {
    if (decided) {
      return chunk;
    }
    while (chunk.hasRemaining() && matched < BOM.length) {
      if (chunk.get(chunk.position()) != BOM[matched]) {
        decided = true;
        return matched == 0 ? chunk : heldBackAnd(chunk);
      }
      chunk.position(chunk.position() + 1);
      matched++;
    }
    decided = matched == BOM.length;
    return chunk;
  }

  /** At the end of the stream: the bytes held back by a partial mark, else an empty buffer. */
  ByteBuffer finish() {
    if (decided) {
      return ByteBuffer.allocate(0);
    }
    decided = true;
    return heldBackAnd(ByteBuffer.allocate(0));
  }

  private ByteBuffer heldBackAnd(ByteBuffer chunk) {
    ByteBuffer joined = ByteBuffer.allocate(matched + chunk.remaining());
    joined.put(BOM, 0, matched).put(chunk).flip();
    matched = 0;
    return joined;
  }
}
