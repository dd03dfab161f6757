package dev.sluice.core.job;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts bytes and endings, to check exactly-one-ending in lifecycle tests. */
final class EndingSink implements Sink {

  final AtomicInteger commits = new AtomicInteger();
  final AtomicInteger aborts = new AtomicInteger();
  volatile Throwable abortCause;
  volatile long bytes;

  @Override
  public void write(ByteBuffer chunk) {
    bytes += chunk.remaining();
    chunk.position(chunk.limit());
  }

  @Override
  public Receipt commit() {
    commits.incrementAndGet();
    return Receipt.of("ending").with("bytes", bytes);
  }

  @Override
  public void abort(Throwable cause) {
    abortCause = cause;
    aborts.incrementAndGet();
  }

  int endings() {
    return commits.get() + aborts.get();
  }

  @Override
  public String toString() {
    return "ending";
  }
}
