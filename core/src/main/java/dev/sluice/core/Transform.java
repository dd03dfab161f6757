package dev.sluice.core;

/**
 * A stage between a source and a sink, built as a {@link Sink} decorator: digests, compression,
 * limits, rate limits, record framing. {@link ForwardingSink} is the usual base for the sink it
 * returns.
 *
 * <p>{@code toString()} names the stage as it appears in a pipeline description, e.g. {@code
 * sha256}.
 */
@FunctionalInterface
public interface Transform {

  /**
   * Returns a sink that transforms what it is given and writes the result to {@code downstream}.
   */
  Sink apply(Sink downstream);
}
