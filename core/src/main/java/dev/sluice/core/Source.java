package dev.sluice.core;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A blocking supplier of bytes: a file, a request body, stdin, a database cursor.
 *
 * <p>The engine calls {@link #read} from one thread at a time and {@link #close} exactly once, from
 * any thread, possibly while a read is blocked (closing should then unblock it).
 *
 * {@snippet :
 * try (Source in = Sources.file(Path.of("big.bin"))) {
 *   ByteBuffer buffer = ByteBuffer.allocate(8192);
 *   while (in.read(buffer.clear()) != -1) {
 *     // consume buffer.flip()
 *   }
 * }
 * }
 */
public interface Source extends Closeable {

  /**
   * Reads at least one byte into {@code into} (which has room), blocking until some are available.
   *
   * @return the number of bytes read, or -1 at the end of the stream
   * @throws java.io.InterruptedIOException if the reading thread was interrupted
   */
  int read(ByteBuffer into) throws IOException;

  /** The number of bytes this source will produce, or -1 when it is not known in advance. */
  default long length() {
    return -1;
  }
}
