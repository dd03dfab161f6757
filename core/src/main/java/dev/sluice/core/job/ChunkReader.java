package dev.sluice.core.job;

import dev.sluice.core.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A job's reader: fills chunks from the source and pushes them into the pipe to the writer. It
 * brings a new chunk (from the job's memory reservation, or the shared pool without one) only while
 * the pipe has fewer than its capacity going round, so a job never holds more than {@code window}
 * chunks. Runs on the job's reader thread; {@link #releaseChunks} runs after that thread ended.
 */
final class ChunkReader {

  private final Source source;
  private final ChunkPipe pipe;
  private final int chunkSize;
  private final MemoryBudget.Reservation memory;
  private final AtomicLong bytesIn;
  private final List<ByteBuffer> allocated = new ArrayList<>();

  ChunkReader(
      Source source,
      ChunkPipe pipe,
      int chunkSize,
      MemoryBudget.Reservation memory,
      AtomicLong bytesIn) {
    this.source = source;
    this.pipe = pipe;
    this.chunkSize = chunkSize;
    this.memory = memory;
    this.bytesIn = bytesIn;
  }

  /** Reads the source to its end into the pipe. The caller closes the pipe, however this ends. */
  void readAll() throws IOException {
    while (true) {
      ByteBuffer chunk = pipe.claim();
      if (chunk == null) {
        chunk = allocate().clear();
        allocated.add(chunk);
      }
      int n = source.read(chunk);
      if (n == 0) {
        throw new IOException("source returned 0 bytes into a buffer with room: " + source);
      }
      if (n < 0) {
        return;
      }
      bytesIn.addAndGet(n);
      pipe.push(chunk.flip());
    }
  }

  private ByteBuffer allocate() throws IOException {
    return memory == null ? BufferPool.acquire(chunkSize) : memory.take(chunkSize);
  }

  /** Gives every chunk back to where it came from; only once the reader thread has ended. */
  void releaseChunks() {
    for (ByteBuffer chunk : allocated) {
      if (memory == null) {
        BufferPool.release(chunk);
      } else {
        memory.give(chunk);
      }
    }
    allocated.clear();
  }
}
