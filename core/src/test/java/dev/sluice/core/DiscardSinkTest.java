package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.SinkContract;

/** The discarding sink keeps nothing; its receipt counts what it was given. */
class DiscardSinkTest extends SinkContract {

  @Override
  protected Sink newSink() {
    return Sinks.discard();
  }

  @Override
  protected void assertCommitted(byte[] expected, Receipt receipt) {
    assertThat(receipt).isEqualTo(Receipt.of("discard").with("bytes", expected.length));
  }

  @Override
  protected void assertNothingVisible() {
    // nothing is ever visible
  }
}
