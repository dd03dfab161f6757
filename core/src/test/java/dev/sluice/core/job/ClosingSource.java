package dev.sluice.core.job;

import dev.sluice.core.Source;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a source and counts how often it is closed. */
final class ClosingSource implements Source {

  final AtomicInteger closes = new AtomicInteger();
  private final Source delegate;

  ClosingSource(Source delegate) {
    this.delegate = delegate;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    return delegate.read(into);
  }

  @Override
  public long length() {
    return delegate.length();
  }

  @Override
  public void close() throws IOException {
    closes.incrementAndGet();
    delegate.close();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
