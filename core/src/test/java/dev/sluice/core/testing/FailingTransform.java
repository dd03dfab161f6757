package dev.sluice.core.testing;

import dev.sluice.core.ForwardingSink;
import dev.sluice.core.Sink;
import dev.sluice.core.Transform;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A pass-through transform that fails at a scripted step: its {@code n}-th write (1-based) or just
 * before it commits downstream (as a digest does on a mismatch).
 */
public final class FailingTransform implements Transform {

  private final int failingWrite;
  private final IOException failure;

  private FailingTransform(int failingWrite, IOException failure) {
    this.failingWrite = failingWrite;
    this.failure = failure;
  }

  /** Fails its {@code n}-th write (1-based). */
  public static FailingTransform atWrite(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1: " + n);
    }
    return new FailingTransform(n, new IOException("injected transform failure at write " + n));
  }

  /** Passes every write and refuses to commit. */
  public static FailingTransform atCommit() {
    return new FailingTransform(0, new IOException("injected transform failure at commit"));
  }

  /** The exception thrown at the scripted step. */
  public IOException failure() {
    return failure;
  }

  @Override
  public Sink apply(Sink downstream) {
    return new ForwardingSink(downstream) {
      private int writes;

      @Override
      public void write(ByteBuffer chunk) throws IOException {
        if (++writes == failingWrite) {
          throw failure;
        }
        super.write(chunk);
      }

      @Override
      protected void beforeCommit() throws IOException {
        if (failingWrite == 0) {
          throw failure;
        }
      }

      @Override
      protected String name() {
        return FailingTransform.this.toString();
      }
    };
  }

  @Override
  public String toString() {
    return failingWrite == 0 ? "failing(at commit)" : "failing(at write " + failingWrite + ")";
  }
}
