package dev.sluice.core.testing;

import dev.sluice.core.Source;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Passes on the first {@code failAt} bytes of another source (generated rows, a large generated
 * stream), then fails every further read with the given exception. For streams too large for the
 * byte array of {@link FailingSource}.
 */
public final class FailingAfterSource implements Source {

  private final Source delegate;
  private final long failAt;
  private final IOException failure;
  private long read;

  public FailingAfterSource(Source delegate, long failAt, IOException failure) {
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
