package dev.sluice.http.internal;

import dev.sluice.core.ClientDisconnectedException;
import dev.sluice.core.Source;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Blocker;

/**
 * A request body as a blocking {@link Source}: reads Jetty's chunks (Content-Length or chunked)
 * with a demand/read loop and copies each into the engine's buffer, so no body is ever buffered
 * beyond one network chunk. A body that fails before its end reads as {@link
 * ClientDisconnectedException} (the client went away, an idle timeout) or {@link
 * SlowClientException} (below the minimum data rate).
 *
 * <p>No thread hands the body over: the engine's reader thread pulls Jetty's chunks itself (read,
 * else demand and wait), so this needs no {@link dev.sluice.core.job.ChunkPipe}, unlike a multipart
 * part, which Jetty's parser pushes.
 */
public final class RequestBodySource implements Source {

  private final Content.Source body;
  private final String name;
  private final long length;
  private Content.Chunk current; // guarded by this
  private volatile long bytesRead;
  private boolean ended; // guarded by this
  private boolean closed; // guarded by this
  private Content.Chunk failed; // guarded by this: a failure seen after some bytes were copied

  public RequestBodySource(Content.Source body, String name, long length) {
    this.body = body;
    this.name = name;
    this.length = length;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    int copied = 0;
    while (true) {
      synchronized (this) {
        if (closed) {
          throw new IOException(name + " is closed");
        }
        if (failed != null) {
          throw disconnected(failed.getFailure());
        }
        int n = copyCurrent(into);
        if (n < 0) {
          return copied > 0 ? copied : -1;
        }
        copied += n;
        if (!into.hasRemaining()) {
          return copied;
        }
        if (n > 0) {
          continue; // the chunk is used up (or will be released next pass): look for more
        }
        // take every chunk already buffered, so the engine gets full chunks, not network-sized ones
        Content.Chunk chunk = body.read();
        if (chunk != null && Content.Chunk.isFailure(chunk)) {
          if (copied > 0) {
            failed = chunk; // hand over what we have; the failure comes with the next read
            return copied;
          }
          throw disconnected(chunk.getFailure());
        }
        current = chunk;
        if (chunk != null) {
          continue;
        }
        if (copied > 0) {
          return copied; // nothing more buffered: never block while holding bytes
        }
      }
      awaitDemand();
    }
  }

  /** Copies from the current chunk: the count, -1 at the end, 0 when a new chunk is needed. */
  private int copyCurrent(ByteBuffer into) {
    if (ended) {
      return -1;
    }
    if (current == null) {
      return 0;
    }
    ByteBuffer data = current.getByteBuffer();
    if (data.hasRemaining()) {
      int n = Math.min(data.remaining(), into.remaining());
      int limit = data.limit();
      data.limit(data.position() + n);
      into.put(data);
      data.limit(limit);
      bytesRead += n;
      return n;
    }
    boolean last = current.isLast();
    current.release();
    current = null;
    if (last) {
      ended = true;
      return -1;
    }
    return 0;
  }

  private void awaitDemand() throws IOException {
    if (Thread.currentThread().isInterrupted()) {
      throw new InterruptedIOException("interrupted while reading " + name);
    }
    try (Blocker.Runnable ready = Blocker.runnable()) {
      body.demand(ready);
      ready.block();
    }
  }

  private IOException disconnected(Throwable failure) {
    return SlowClientException.bodyFailed(name, bytesRead, length, failure);
  }

  /** Bytes handed to the engine so far. */
  public long bytesRead() {
    return bytesRead;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (current != null) {
      current.release();
      current = null;
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
