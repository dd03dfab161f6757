package dev.sluice.core;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A transform's sink that only looks at the bytes on their way downstream and passes the same bytes
 * on, unchanged: a digest, a size limit. Its {@link #write} is {@link #observe} of a view of the
 * chunk, then the chunk itself {@linkplain #downstream() downstream}; nothing else.
 *
 * <p>Because that is all it does, whoever drives a pipeline may call the two halves apart. The
 * engine ({@code Ingestion}) observes each chunk on the thread that read it, while its bytes are
 * still in that core's cache (unless it offloads its stages to a worker pool), and writes the chunk
 * downstream on its writer thread; commit and abort still go through this sink as always. Observing
 * apart is allowed on these terms:
 *
 * <ul>
 *   <li>one chunk at a time, each observed before it is written downstream, in the same order;
 *   <li>everything the observing thread did happens-before {@link #commit()} (and so {@link
 *       #beforeCommit()}), which runs on the writer: the engine hands each chunk over through a
 *       lock, and commits only after the reader closed its side; {@link #abort} touches nothing
 *       {@code observe} does, so it may come at any time;
 *   <li>if {@code observe} throws, the chunk is not written downstream.
 * </ul>
 *
 * {@snippet :
 * final class CountingSink extends ObservingSink {
 *   private long seen;
 *
 *   CountingSink(Sink downstream) {
 *     super(downstream);
 *   }
 *
 *   @Override
 *   public void observe(ByteBuffer bytes) {
 *     seen += bytes.remaining();
 *   }
 *
 *   @Override
 *   protected String name() {
 *     return "count";
 *   }
 * }
 * }
 *
 * <p>A transform that changes, buffers, slices or delays the bytes (compression, a rate limit)
 * extends {@link ForwardingSink} instead.
 */
public abstract class ObservingSink extends ForwardingSink {

  protected ObservingSink(Sink downstream) {
    super(downstream);
  }

  /**
   * Looks at the remaining bytes of {@code bytes}, a view of the chunk that shares its content but
   * has a position and limit of its own: it may be consumed (e.g. {@code digest.update(bytes)}),
   * and its content must not change. Throw to refuse the chunk (a limit), which then goes no
   * further. The sink must not keep a reference to {@code bytes} after returning.
   */
  public abstract void observe(ByteBuffer bytes) throws IOException;

  /** Observes the chunk, then writes it downstream. */
  @Override
  public final void write(ByteBuffer chunk) throws IOException {
    observe(chunk.duplicate());
    downstream.write(chunk);
  }

  /**
   * Aborts downstream. Final because an observer has nothing of its own to discard, and so that the
   * engine may abort the chain while its reader is still observing a chunk.
   */
  @Override
  public final void abort(Throwable cause) {
    downstream.abort(cause);
  }

  /** Passes the hint on: an observer hands every byte on unchanged. */
  @Override
  public final void expectBytes(long bytes) {
    downstream.expectBytes(bytes);
  }

  /** The sink this one passes the chunks on to. */
  public final Sink downstream() {
    return downstream;
  }
}
