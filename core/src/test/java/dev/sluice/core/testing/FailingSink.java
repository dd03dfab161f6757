package dev.sluice.core.testing;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A sink that fails at a scripted step: the {@code n}-th {@code write} (1-based), the {@code
 * commit}, or the {@code abort} (which must never throw: this checks that callers survive one that
 * does). A failing commit ends the sink (as {@link Sink#commit} promises, it has discarded
 * everything), so {@link #recorded()} counts it as the one ending and flags any abort after it.
 */
public final class FailingSink implements Sink {

  private final RecordingSink recorded = new RecordingSink();
  private static final int COMMIT = 0;
  private static final int ABORT = -1;

  private final int failingWrite; // or COMMIT or ABORT
  private final Throwable failure;
  private volatile boolean failed;

  private FailingSink(int failingWrite, Throwable failure) {
    this.failingWrite = failingWrite;
    this.failure = failure;
  }

  /** Fails the {@code n}-th write (1-based) with an {@link IOException}. */
  public static FailingSink atWrite(int n) {
    return atWrite(n, new IOException("injected sink failure at write " + n));
  }

  /** Fails the {@code n}-th write (1-based) with {@code failure}, an unchecked or I/O exception. */
  public static FailingSink atWrite(int n, Throwable failure) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1: " + n);
    }
    return new FailingSink(n, checkThrowable(failure));
  }

  /** Accepts every write and fails the commit with an {@link IOException}. */
  public static FailingSink atCommit() {
    return atCommit(new IOException("injected sink failure at commit"));
  }

  /** Accepts every write and fails the commit with {@code failure}. */
  public static FailingSink atCommit(Throwable failure) {
    return new FailingSink(COMMIT, checkThrowable(failure));
  }

  /**
   * Accepts every write and the commit; {@code abort} records the call, then throws {@code
   * failure}.
   */
  public static FailingSink atAbort(RuntimeException failure) {
    return new FailingSink(ABORT, failure);
  }

  private static Throwable checkThrowable(Throwable failure) {
    if (!(failure instanceof IOException
        || failure instanceof RuntimeException
        || failure instanceof Error)) {
      throw new IllegalArgumentException("failure must be unchecked or an IOException: " + failure);
    }
    return failure;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (recorded.writes() + 1 == failingWrite) {
      failed = true;
      throw rethrow(failure);
    }
    recorded.write(chunk);
  }

  @Override
  public Receipt commit() throws IOException {
    recorded.commit();
    if (failingWrite == COMMIT) {
      failed = true;
      throw rethrow(failure);
    }
    return Receipt.of("failing").with("bytes", recorded.bytes().length);
  }

  @Override
  public void abort(Throwable cause) {
    recorded.abort(cause);
    if (failingWrite == ABORT) {
      failed = true;
      throw (RuntimeException) failure;
    }
  }

  private static IOException rethrow(Throwable failure) {
    if (failure instanceof RuntimeException unchecked) {
      throw unchecked;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return (IOException) failure;
  }

  /** The calls this sink received; a failed write is not recorded as a write. */
  public RecordingSink recorded() {
    return recorded;
  }

  /** The exception this sink throws at its scripted step. */
  public Throwable failure() {
    return failure;
  }

  /** True once the scripted failure was thrown. */
  public boolean failed() {
    return failed;
  }

  @Override
  public String toString() {
    return switch (failingWrite) {
      case COMMIT -> "failing(at commit)";
      case ABORT -> "failing(at abort)";
      default -> "failing(at write " + failingWrite + ")";
    };
  }
}
