package dev.sluice.core.testing;

import dev.sluice.core.Source;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A source that fills its first read, then waits for {@code go} before it ends the stream: a peer
 * that sends once and waits to be heard. Its wait fails if {@code go} does not open within {@code
 * atMost}, and ends with {@link InterruptedIOException} on an interrupt. Never {@linkplain
 * Source#readsPromptly() prompt}.
 */
public final class WaitingSource implements Source {

  private final CountDownLatch go;
  private final Duration atMost;
  private int reads;

  public WaitingSource(CountDownLatch go, Duration atMost) {
    this.go = go;
    this.atMost = atMost;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    if (reads++ == 0) {
      int n = into.remaining();
      into.position(into.limit());
      return n;
    }
    try {
      if (!go.await(atMost.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new IOException("waited " + atMost + " for the go, which never came");
      }
    } catch (InterruptedException e) {
      throw new InterruptedIOException("interrupted while waiting for the go");
    }
    return -1;
  }

  @Override
  public void close() {}
}
