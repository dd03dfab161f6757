package dev.sluice.core;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A destination that accepts chunks and then ends exactly once: {@link #commit} makes what was
 * written visible, {@link #abort} discards it.
 *
 * <p>Whoever opened a sink must end it with exactly one of {@code commit()} or {@code abort()}. A
 * {@code commit()} that throws has already discarded what was written (and ended every sink it
 * decorates): do not call {@code abort()} after it.
 *
 * {@snippet :
 * Sink out = Sinks.file(Path.of("copy.bin"));
 * try {
 *   out.write(ByteBuffer.wrap(bytes));
 *   Receipt receipt = out.commit();
 * } catch (IOException e) {
 *   out.abort(e); // only if commit() was not reached
 * }
 * }
 */
public interface Sink {

  /**
   * Consumes all remaining bytes of {@code chunk}, blocking until the sink has accepted them: a
   * slow sink slows its source. The sink must not keep a reference to {@code chunk} after
   * returning.
   *
   * @throws java.io.InterruptedIOException if the writing thread was interrupted
   */
  void write(ByteBuffer chunk) throws IOException;

  /**
   * Makes everything written visible, atomically where the destination allows.
   *
   * @throws IOException if the data could not be made visible; it has then been discarded
   */
  Receipt commit() throws IOException;

  /** Discards everything written so far and releases resources. Never throws; idempotent. */
  void abort(Throwable cause);

  /**
   * A hint before the first write: the stream will bring {@code bytes} bytes, no more and no fewer
   * unless it fails. A sink may prepare for them (a file reserves its blocks); the default does
   * nothing, so a transform's sink that changes the bytes does not pass it on (an {@link
   * ObservingSink} does). Never throws; a wrong hint costs preparation, never content. Called at
   * most once, by the thread that writes.
   */
  default void expectBytes(long bytes) {}
}
