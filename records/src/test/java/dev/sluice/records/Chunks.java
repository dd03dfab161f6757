package dev.sluice.records;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Pushes text into a sink in chunks of a fixed size, through direct buffers like the engine. */
final class Chunks {

  private Chunks() {}

  static Receipt push(String text, int chunkSize, Sink sink) throws IOException {
    return push(text.getBytes(StandardCharsets.UTF_8), chunkSize, sink);
  }

  static Receipt push(byte[] bytes, int chunkSize, Sink sink) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocateDirect(chunkSize);
    try {
      for (int at = 0; at < bytes.length; at += chunkSize) {
        chunk.clear();
        chunk.put(bytes, at, Math.min(chunkSize, bytes.length - at)).flip();
        sink.write(chunk);
        if (chunk.hasRemaining()) {
          throw new AssertionError("the sink left bytes in the chunk");
        }
      }
    } catch (IOException | RuntimeException e) {
      sink.abort(e);
      throw e;
    }
    return sink.commit();
  }
}
