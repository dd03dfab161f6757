package dev.sluice.core.testing;

import dev.sluice.core.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;

/**
 * A source that produces its content, then blocks in {@code read} until it is closed, ignoring
 * interrupts — as a socket stream whose peer went quiet does. Closing it makes the blocked read
 * fail with "stream closed", the only way to stop such a read.
 */
public final class StalledSource implements Source {

  private final CountingSource content;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final CountDownLatch stalled = new CountDownLatch(1);

  public StalledSource(byte[] content) {
    this.content = CountingSource.of(content);
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    if (content.length() > 0) {
      return content.read(into); // the bytes still to come
    }
    stalled.countDown();
    boolean interrupted = false;
    while (closed.getCount() > 0) {
      try {
        closed.await();
      } catch (InterruptedException e) {
        interrupted = true; // like a blocking socket read: an interrupt does not end it
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    throw new IOException("stream closed");
  }

  @Override
  public void close() throws IOException {
    content.close();
    closed.countDown();
  }

  /** True once a read has blocked after the content. */
  public boolean hasStalled() {
    return stalled.getCount() == 0;
  }

  public int closes() {
    return content.closes();
  }

  /** Asserts that {@code close} was called exactly once. */
  public void assertClosedOnce() {
    content.assertClosedOnce();
  }

  @Override
  public String toString() {
    return "stalled";
  }
}
