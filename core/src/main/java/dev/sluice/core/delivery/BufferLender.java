package dev.sluice.core.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a body copy gets the buffer for each read: the same caller-owned buffer every time ({@link
 * #of}), or one borrowed for a single read and write and then given back, so that a copy that
 * spends most of its time waiting (a throttled download parked until its rate allows more) holds no
 * payload buffer while it waits.
 *
 * {@snippet :
 * plan.writeBody(blob, out, BufferLender.of(ByteBuffer.allocateDirect(64 * 1024)));
 * }
 *
 * <p>A copy calls {@link #borrow} and {@link #giveBack} in turn from one thread, never holding two
 * buffers at once.
 */
public interface BufferLender {

  /**
   * A cleared buffer to read at most {@code wanted} bytes into and write out; may block first (for
   * as long as the copy must wait before it sends more). The copy reads no more than the buffer's
   * {@code remaining()}, which is at least 1 and may be less than {@code wanted}.
   *
   * @param wanted the bytes the copy has left to send in its current region, at least 1
   * @throws IOException if the copy must stop (e.g. {@link java.io.InterruptedIOException})
   */
  ByteBuffer borrow(long wanted) throws IOException;

  /**
   * Takes back the buffer of the last {@link #borrow} once its bytes were written; the copy does
   * not touch it afterwards. A copy that fails (a read or write throws) does not give back the
   * buffer it holds: a write interrupted while pending may leave it in the connection's hands, so
   * it must not be lent to anyone else (leave it to the garbage collector).
   */
  void giveBack(ByteBuffer buffer);

  /** Lends {@code buffer}, which the caller owns, for every read; giving it back does nothing. */
  static BufferLender of(ByteBuffer buffer) {
    return new BufferLender() {
      @Override
      public ByteBuffer borrow(long wanted) {
        return buffer.clear();
      }

      @Override
      public void giveBack(ByteBuffer lent) {}

      @Override
      public String toString() {
        return "buffer of " + buffer.capacity() + " bytes";
      }
    };
  }
}
