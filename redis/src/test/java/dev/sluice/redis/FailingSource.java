package dev.sluice.redis;

import dev.sluice.core.Source;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Yields {@code bytes} from a delegate, then fails with the given exception. */
final class FailingSource implements Source {

  private final Source delegate;
  private final long failAt;
  private final IOException failure;
  private long read;

  FailingSource(Source delegate, long failAt, IOException failure) {
    this.delegate = delegate;
    this.failAt = failAt;
    this.failure = failure;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    if (read >= failAt) {
      throw failure;
    }
    int room = (int) Math.min(into.remaining(), failAt - read);
    ByteBuffer slice = into.slice(into.position(), room);
    int n = delegate.read(slice);
    if (n == -1) {
      return -1;
    }
    into.position(into.position() + n);
    read += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public String toString() {
    return "failing(" + delegate + " at " + failAt + ")";
  }
}
