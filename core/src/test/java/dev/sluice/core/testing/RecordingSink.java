package dev.sluice.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A sink that records what it is given and how it ends, for asserting the exactly-one-ending
 * contract. On its own it keeps the bytes in memory (tests only); {@link #around} records and
 * forwards to a real sink. Safe to inspect from the test thread while the engine writes.
 *
 * {@snippet :
 * RecordingSink sink = new RecordingSink();
 * Ingestion.from(source).to(sink).run();
 * sink.assertCommittedOnce();
 * assertThat(sink.bytes()).isEqualTo(content);
 * }
 */
public final class RecordingSink implements Sink {

  private final Sink delegate;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final List<Integer> writeSizes = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private int commits;
  private int aborts;
  private Throwable abortCause;

  /** A sink that keeps everything written in memory and commits with a receipt {@code memory}. */
  public RecordingSink() {
    this(null);
  }

  private RecordingSink(Sink delegate) {
    this.delegate = delegate;
  }

  /** Records the calls made to {@code sink} and forwards them to it. */
  public static RecordingSink around(Sink sink) {
    if (sink == null) {
      throw new NullPointerException("sink == null");
    }
    return new RecordingSink(sink);
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    int length = chunk.remaining();
    byte[] copy = new byte[length];
    chunk.duplicate().get(copy);
    synchronized (this) {
      if (ended()) {
        violations.add("write of " + length + " bytes after " + ending());
      }
      writeSizes.add(length);
    }
    if (delegate != null) {
      delegate.write(chunk);
    } else {
      chunk.position(chunk.limit());
    }
    synchronized (this) {
      bytes.write(copy, 0, length);
    }
  }

  @Override
  public Receipt commit() throws IOException {
    synchronized (this) {
      if (ended()) {
        violations.add("commit after " + ending());
      }
      commits++;
    }
    return delegate != null
        ? delegate.commit()
        : Receipt.of("memory").with("bytes", bytes().length);
  }

  @Override
  public void abort(Throwable cause) {
    synchronized (this) {
      if (ended()) {
        violations.add("abort after " + ending());
      }
      aborts++;
      if (abortCause == null) {
        abortCause = cause;
      }
    }
    if (delegate != null) {
      delegate.abort(cause);
    }
  }

  private boolean ended() {
    return commits + aborts > 0;
  }

  private String ending() {
    return commits > 0 ? "commit" : "abort";
  }

  /** Everything accepted by {@code write}, in order. */
  public synchronized byte[] bytes() {
    return bytes.toByteArray();
  }

  /** The number of bytes in each {@code write} call, in order. */
  public synchronized List<Integer> writeSizes() {
    return List.copyOf(writeSizes);
  }

  /** How many times {@code write} was called. */
  public synchronized int writes() {
    return writeSizes.size();
  }

  public synchronized int commits() {
    return commits;
  }

  public synchronized int aborts() {
    return aborts;
  }

  /** The cause given to the first {@code abort}, or {@code null}. */
  public synchronized Throwable abortCause() {
    return abortCause;
  }

  /** True once {@code commit} or {@code abort} was called. */
  public synchronized boolean hasEnded() {
    return ended();
  }

  /** Asserts exactly one ending (commit or abort) and no call after it. */
  public synchronized void assertEndedOnce() {
    assertThat(violations).as("calls after the ending of %s", this).isEmpty();
    assertThat(commits + aborts).as("endings (commit + abort) of %s", this).isEqualTo(1);
  }

  /** Asserts one commit, no abort, and no call after the commit. */
  public synchronized void assertCommittedOnce() {
    assertEndedOnce();
    assertThat(commits).as("commits of %s", this).isEqualTo(1);
  }

  /** Asserts one abort, no commit, and no call after the abort. */
  public synchronized void assertAbortedOnce() {
    assertEndedOnce();
    assertThat(aborts).as("aborts of %s", this).isEqualTo(1);
  }

  @Override
  public String toString() {
    return delegate == null ? "recording" : "recording(" + delegate + ")";
  }
}
