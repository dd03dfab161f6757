package dev.sluice.core;

import java.nio.ByteBuffer;

/** Counts and drops every byte. */
final class DiscardingSink implements Sink {

  private long count;

  @Override
  public void write(ByteBuffer chunk) {
    count += chunk.remaining();
    chunk.position(chunk.limit());
  }

  @Override
  public Receipt commit() {
    return Receipt.of("discard").with("bytes", count);
  }

  @Override
  public void abort(Throwable cause) {}

  @Override
  public String toString() {
    return "discard";
  }
}
