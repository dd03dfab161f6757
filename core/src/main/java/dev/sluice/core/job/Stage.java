package dev.sluice.core.job;

import dev.sluice.core.ObservingSink;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Wraps one stage of a pipeline (a transform's sink, or the final sink) to count and time it and to
 * remember which stage a failure came from. The innermost stage a failure passes through is its
 * origin.
 *
 * <p>The writer thread calls {@link #write}, {@link #commit} and {@link #abort}. A stage that
 * {@linkplain #observesOnly() only observes} may instead be {@linkplain #observe observed} by the
 * reader thread, chunk by chunk, while the writer writes the stage after it; its figures are then
 * the reader's, and the writer reads them once the reader has ended.
 */
final class Stage implements Sink {

  private final Sink inner;
  private final String name;
  private final boolean terminal;
  private final Map<Throwable, Stage> origins;
  private Stage next;
  private long nanos; // in write and commit, the stages after it included: the writer's
  private long ownNanos; // in write and commit, the stages after it excluded: the writer's
  private long observedNanos; // in observe: the reader's
  private volatile long bytes; // by whichever thread writes or observes the stage

  private Stage(Sink inner, String name, boolean terminal, Map<Throwable, Stage> origins) {
    this.inner = inner;
    this.name = name;
    this.terminal = terminal;
    this.origins = origins;
  }

  /** A map to share between the stages of one pipeline. */
  static Map<Throwable, Stage> newOriginMap() {
    return Collections.synchronizedMap(new IdentityHashMap<>());
  }

  static Stage terminal(Sink sink, Map<Throwable, Stage> origins) {
    return new Stage(sink, sink.toString(), true, origins);
  }

  static Stage transform(Sink sink, String name, Stage next, Map<Throwable, Stage> origins) {
    Stage stage = new Stage(sink, name, false, origins);
    stage.next = next;
    return stage;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    int length = chunk.remaining();
    long start = System.nanoTime();
    long downstream = downstreamNanos();
    try {
      inner.write(chunk);
      bytes += length;
    } catch (IOException | RuntimeException | Error e) {
      origins.putIfAbsent(e, this);
      throw e;
    } finally {
      account(start, downstream);
    }
  }

  /** Passes the hint to this stage's sink, which passes it on only if it hands the bytes on. */
  @Override
  public void expectBytes(long bytes) {
    inner.expectBytes(bytes);
  }

  /**
   * True if this stage's sink only observes the bytes and passes them on unchanged to the next
   * stage: then {@link #observe} and a write of the next stage do what {@link #write} does.
   */
  boolean observesOnly() {
    return inner instanceof ObservingSink observing
        && next != null
        && observing.downstream() == next;
  }

  /**
   * Observes {@code chunk} without passing it on (see {@link ObservingSink}): the reader's half of
   * {@link #write}, for a stage that {@linkplain #observesOnly() only observes}. Leaves the chunk's
   * position as it was.
   */
  void observe(ByteBuffer chunk) throws IOException {
    int length = chunk.remaining();
    long start = System.nanoTime();
    try {
      ((ObservingSink) inner).observe(chunk.duplicate());
      bytes += length;
    } catch (IOException | RuntimeException | Error e) {
      origins.putIfAbsent(e, this);
      throw e;
    } finally {
      observedNanos += System.nanoTime() - start;
    }
  }

  @Override
  public Receipt commit() throws IOException {
    long start = System.nanoTime();
    long downstream = downstreamNanos();
    try {
      return inner.commit();
    } catch (IOException | RuntimeException | Error e) {
      origins.putIfAbsent(e, this);
      throw e;
    } finally {
      account(start, downstream);
    }
  }

  @Override
  public void abort(Throwable cause) {
    try {
      inner.abort(cause);
    } catch (RuntimeException | Error e) {
      // abort must not throw; keep the root cause and note this one beside it
      if (e != cause) {
        cause.addSuppressed(e);
      }
    }
  }

  /** Time the stages after this one have spent in write and commit so far. */
  private long downstreamNanos() {
    return next == null ? 0 : next.nanos;
  }

  /** Adds a call that began at {@code start}, less what the stages after it took meanwhile. */
  private void account(long start, long downstreamBefore) {
    long elapsed = System.nanoTime() - start;
    nanos += elapsed;
    ownNanos += elapsed - (downstreamNanos() - downstreamBefore);
  }

  Sink inner() {
    return inner;
  }

  String name() {
    return name;
  }

  boolean isTerminal() {
    return terminal;
  }

  /** The stage this one writes to; {@code null} for the final sink. */
  Stage next() {
    return next;
  }

  /** Bytes this stage accepted. */
  long bytes() {
    return bytes;
  }

  /** Time spent in this stage, excluding the stages after it. */
  long exclusiveNanos() {
    return ownNanos + observedNanos;
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
