package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.SinkContract;
import java.io.ByteArrayOutputStream;

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

  private static final class TrackedStream extends ByteArrayOutputStream {
    int closes;

    @Override
    public void close() {
      closes++;
    }
  }
}
