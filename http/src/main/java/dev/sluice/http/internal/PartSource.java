package dev.sluice.http.internal;

import dev.sluice.core.Source;
import dev.sluice.core.job.ChunkPipe;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/**
 * One multipart file part as a {@link Source}: the multipart parser {@linkplain #offer offers} each
 * slice of part content through a one-chunk {@link ChunkPipe} and waits until the engine's reader
 * has copied it all, so at most one network chunk of the part is ever held, however large the part.
 */
final class PartSource implements Source {

  private final String name;
  private final ChunkPipe pipe;

  PartSource(String name) {
    this.name = name;
    this.pipe = new ChunkPipe(name, 1);
  }

  /**
   * Hands {@code data} to the reader and blocks until it has been copied, or the source was closed
   * (the ingestion ended early: the rest of the part is dropped).
   */
  void offer(ByteBuffer data) throws InterruptedIOException {
    if (!data.hasRemaining()) {
      return;
    }
    try {
      pipe.push(data);
      pipe.claim(); // gives data back once the reader has copied all of it
    } catch (InterruptedIOException e) {
      pipe.cancel(e); // the parser takes its buffer back: nobody may read it any more
      throw new InterruptedIOException("interrupted while handing over " + name);
    } catch (IOException closed) {
      // the reader closed the part: drop the rest
    }
  }

  /** The part's content is complete. */
  void end() {
    pipe.close();
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    return pipe.read(into);
  }

  @Override
  public void close() {
    pipe.cancel(new IOException(name + " was closed by its reader"));
  }

  @Override
  public String toString() {
    return name;
  }
}
