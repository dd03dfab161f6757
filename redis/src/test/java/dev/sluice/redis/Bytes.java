package dev.sluice.redis;

import dev.sluice.core.Source;
import dev.sluice.core.Sources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/** Small byte helpers for tests (test data is at most a few MiB, so arrays are fine here). */
final class Bytes {

  private Bytes() {}

  /** The bytes {@link Sources#generated} gives for {@code size} and {@code seed}. */
  static byte[] generated(int size, long seed) throws IOException {
    try (Source source = Sources.generated(size, seed)) {
      ByteBuffer all = ByteBuffer.allocate(size);
      while (all.hasRemaining() && source.read(all) != -1) {
        // keep reading
      }
      return all.array();
    }
  }

  /** Everything {@code channel} yields, read through a buffer of {@code bufferSize}. */
  static byte[] readAll(ReadableByteChannel channel, int bufferSize) throws IOException {
    try (channel) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
      while (channel.read(buffer.clear()) != -1) {
        out.write(buffer.array(), 0, buffer.position());
      }
      return out.toByteArray();
    }
  }
}
