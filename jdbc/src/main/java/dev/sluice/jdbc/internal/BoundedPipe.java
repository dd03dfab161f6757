package dev.sluice.jdbc.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands chunks from a pushing writer to a pulling {@link InputStream} reader (a JDBC driver that
 * reads a stream) through a queue of at most {@code capacity} chunk copies: the writer blocks when
 * the reader falls behind, and either side's failure unblocks the other.
 */
public final class BoundedPipe {

  private static final byte[] END = new byte[0];
  private static final long POLL_MILLIS = 50;

  private final BlockingQueue<byte[]> queue;
  private volatile Throwable readerStopped;
  private volatile Throwable writerFailed;
  private final Input input = new Input();

  public BoundedPipe(int capacity) {
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** The reading end. */
  public InputStream input() {
    return input;
  }

  /** Copies and queues the chunk, blocking while the queue is full. */
  public void write(ByteBuffer chunk) throws IOException {
    byte[] copy = new byte[chunk.remaining()];
    chunk.get(copy);
    put(copy);
  }

  /** Marks the end of the stream; the reader sees end-of-file after the queued chunks. */
  public void close() throws IOException {
    put(END);
  }

  /** Fails the reader: its next read throws. Never blocks. */
  public void fail(Throwable cause) {
    writerFailed = cause;
    queue.clear();
    queue.offer(END);
  }

  /** Tells the writer that the reader has stopped reading (finished or failed). */
  public void readerStopped(Throwable cause) {
    readerStopped = cause;
    queue.clear();
  }

  private void put(byte[] bytes) throws IOException {
    try {
      while (!queue.offer(bytes, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (readerStopped != null) {
          throw new IOException("the database stopped reading the stream", readerStopped);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing to the database");
    }
  }

  private final class Input extends InputStream {
    private byte[] current = null;
    private int position;
    private boolean ended;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      while (current == null || position == current.length) {
        if (ended) {
          return -1;
        }
        current = take();
        position = 0;
        if (current == END) {
          if (writerFailed != null) {
            throw new IOException("the upload was aborted", writerFailed);
          }
          ended = true;
          current = null;
          return -1;
        }
      }
      int n = Math.min(length, current.length - position);
      System.arraycopy(current, position, into, offset, n);
      position += n;
      return n;
    }

    private byte[] take() throws IOException {
      try {
        return queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading the upload");
      }
    }
  }
}
