package dev.sluice.core.testing;

import dev.sluice.core.Source;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A source that produces the first {@code failAt} bytes of its content, then fails the next read
 * with {@link #failure()} (at {@code failAt == content.length} it fails instead of ending). Counts
 * its closes; can also be told to fail when closed.
 */
public final class FailingSource implements Source {

  private final CountingSource content;
  private final long failAt;
  private final IOException failure;

  /** Fails once {@code failAt} bytes of {@code content} have been read. */
  public FailingSource(byte[] content, long failAt) {
    if (failAt < 0 || failAt > content.length) {
      throw new IllegalArgumentException(
          "failAt must be within 0.." + content.length + ": " + failAt);
    }
    this.content = CountingSource.of(content);
    this.failAt = failAt;
    this.failure = new IOException("injected source failure at byte " + failAt);
  }

  /** Makes {@code close} throw {@code failure} (after counting the close). */
  public FailingSource failingClose(IOException failure) {
    content.failingClose(failure);
    return this;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    long left = failAt - content.bytesRead();
    if (left == 0) {
      throw failure;
    }
    int limit = into.limit();
    into.limit(into.position() + (int) Math.min(into.remaining(), left));
    try {
      return content.read(into);
    } finally {
      into.limit(limit);
    }
  }

  @Override
  public void close() throws IOException {
    content.close();
  }

  /** The exception the failing read throws (the same instance every time). */
  public IOException failure() {
    return failure;
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
    return "failing(at byte " + failAt + ")";
  }
}
