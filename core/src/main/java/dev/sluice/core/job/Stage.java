package dev.sluice.core.job;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Wraps one stage of a pipeline (a transform's sink, or the final sink) to time it and to remember
 * which stage a failure came from. The innermost stage a failure passes through is its origin.
 */
final class Stage implements Sink {

  private final Sink inner;
  private final String name;
  private final boolean terminal;
  private final Map<Throwable, Stage> origins;
  private Stage next;
  private long nanos;
  private volatile long bytes;

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
    try {
      inner.write(chunk);
      bytes += length;
    } catch (IOException | RuntimeException | Error e) {
      origins.putIfAbsent(e, this);
      throw e;
    } finally {
      nanos += System.nanoTime() - start;
    }
  }

  @Override
  public Receipt commit() throws IOException {
    long start = System.nanoTime();
    try {
      return inner.commit();
    } catch (IOException | RuntimeException | Error e) {
      origins.putIfAbsent(e, this);
      throw e;
    } finally {
      nanos += System.nanoTime() - start;
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

  Sink inner() {
    return inner;
  }

  String name() {
    return name;
  }

  boolean isTerminal() {
    return terminal;
  }

  /** Bytes this stage accepted. */
  long bytes() {
    return bytes;
  }

  /** Time spent in this stage, excluding the stages after it. */
  long exclusiveNanos() {
    return next == null ? nanos : Math.max(0, nanos - next.nanos);
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
