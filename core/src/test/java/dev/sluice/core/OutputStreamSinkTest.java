package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.SinkContract;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Nested;

/**
 * A stream cannot take back what it was sent: what this sink promises on abort is that it stops and
 * closes the stream; on commit that the stream holds exactly the bytes, flushed and closed.
 */
class OutputStreamSinkTest extends SinkContract {

  private TrackedStream stream;

  @Override
  protected Sink newSink() {
    stream = new TrackedStream();
    return Sinks.to(stream);
  }

  @Override
  protected void assertCommitted(byte[] expected, Receipt receipt) {
    assertThat(stream.toByteArray()).isEqualTo(expected);
    assertThat(stream.closes).as("closes of the stream").isEqualTo(1);
    assertThat(receipt.details()).containsEntry("bytes", String.valueOf(expected.length));
  }

  @Override
  protected void assertNothingVisible() {
    assertThat(stream.closes).as("closes of the stream").isPositive();
  }

  /**
   * A stream the sink does not own, as {@link Sinks#stdout()}: a commit flushes it (the bytes reach
   * the stream under a buffer) and leaves it open; an abort leaves it open too.
   */
  @Nested
  class LeftOpen extends SinkContract {

    @Override
    protected Sink newSink() {
      stream = new TrackedStream();
      return new OutputStreamSink(new BufferedOutputStream(stream, 1 << 16), "stdout", false);
    }

    @Override
    protected void assertCommitted(byte[] expected, Receipt receipt) {
      assertThat(stream.toByteArray()).as("bytes flushed to the stream").isEqualTo(expected);
      assertThat(stream.closes).as("closes of the stream").isZero();
      assertThat(receipt).isEqualTo(Receipt.of("stdout").with("bytes", expected.length));
    }

    @Override
    protected void assertNothingVisible() {
      assertThat(stream.closes).as("closes of the stream").isZero();
    }
  }

  private static final class TrackedStream extends ByteArrayOutputStream {
    int closes;

    @Override
    public void close() {
      closes++;
    }
  }
}
