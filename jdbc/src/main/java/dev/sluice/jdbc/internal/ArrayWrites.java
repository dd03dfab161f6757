package dev.sluice.jdbc.internal;

import java.nio.ByteBuffer;
import java.sql.SQLException;

/**
 * Hands the bytes of buffers to a driver call that takes arrays ({@code CopyIn.writeToCopy}, {@code
 * LargeObject.write}): a heap buffer's own array, any other through one scratch array, allocated at
 * the first direct buffer and reused. Not thread-safe: one per sink.
 */
final class ArrayWrites {

  private static final int SCRATCH = 64 * 1024;

  /** A driver call that takes bytes from an array. */
  @FunctionalInterface
  interface Target {
    void write(byte[] bytes, int offset, int length) throws SQLException;
  }

  private final Target target;
  private byte[] scratch;

  ArrayWrites(Target target) {
    this.target = target;
  }

  /** Writes the remaining bytes of {@code chunk} to the target, consuming them. */
  void write(ByteBuffer chunk) throws SQLException {
    if (chunk.hasArray()) {
      target.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
      chunk.position(chunk.limit());
      return;
    }
    if (scratch == null) {
      scratch = new byte[SCRATCH];
    }
    while (chunk.hasRemaining()) {
      int n = Math.min(scratch.length, chunk.remaining());
      chunk.get(scratch, 0, n);
      target.write(scratch, 0, n);
    }
  }
}
