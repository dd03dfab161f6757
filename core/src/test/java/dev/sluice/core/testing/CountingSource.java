package dev.sluice.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A source that counts its reads and closes: over bytes in memory ({@link #of}) or around another
 * source ({@link #around}). Reading after close fails, as it would for a real resource.
 */
public final class CountingSource implements Source {

  private final Source delegate;
  private final ByteBuffer content;
  private final AtomicInteger chunks = new AtomicInteger();
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicInteger closes = new AtomicInteger();
  private volatile IOException closeFailure;

  private CountingSource(Source delegate, ByteBuffer content) {
    this.delegate = delegate;
    this.content = content;
  }

  /** A source producing exactly {@code content}. */
  public static CountingSource of(byte[] content) {
    return new CountingSource(null, ByteBuffer.wrap(content.clone()));
  }

  /** Counts the reads and closes of {@code source}, forwarding them. */
  public static CountingSource around(Source source) {
    if (source == null) {
      throw new NullPointerException("source == null");
    }
    return new CountingSource(source, null);
  }

  /**
   * Makes {@code close} throw {@code failure} (after counting the close and closing the delegate).
   */
  public CountingSource failingClose(IOException failure) {
    this.closeFailure = failure;
    return this;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    if (closes.get() > 0) {
      throw new IOException("read after close of " + this);
    }
    int n;
    if (delegate != null) {
      n = delegate.read(into);
    } else if (!content.hasRemaining()) {
      n = -1;
    } else {
      n = Math.min(into.remaining(), content.remaining());
      into.put(content.slice(content.position(), n));
      content.position(content.position() + n);
    }
    if (n > 0) {
      chunks.incrementAndGet();
      bytesRead.addAndGet(n);
    }
    return n;
  }

  @Override
  public long length() {
    return delegate != null ? delegate.length() : content.remaining();
  }

  @Override
  public void close() throws IOException {
    closes.incrementAndGet();
    if (delegate != null) {
      delegate.close();
    }
    if (closeFailure != null) {
      throw closeFailure;
    }
  }

  /** Reads that returned at least one byte: the chunks this source has produced so far. */
  public int chunksRead() {
    return chunks.get();
  }

  /** Bytes produced so far. */
  public long bytesRead() {
    return bytesRead.get();
  }

  public int closes() {
    return closes.get();
  }

  /** Asserts that {@code close} was called exactly once. */
  public void assertClosedOnce() {
    assertThat(closes()).as("closes of %s", this).isEqualTo(1);
  }

  @Override
  public String toString() {
    return delegate == null ? "counting" : "counting(" + delegate + ")";
  }
}
