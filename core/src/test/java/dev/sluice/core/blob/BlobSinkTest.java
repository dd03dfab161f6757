package dev.sluice.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlobSinkTest {

  /** SHA-256 of "abc". */
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  /** SHA-256 of nothing. */
  private static final String EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  /** A writer that records what the sink asks of it. */
  private static final class RecordingWriter implements BlobWriter {
    final StringBuilder written = new StringBuilder();
    final List<String> calls = new ArrayList<>();
    IOException publishFailure;

    @Override
    public void write(ByteBuffer chunk) {
      written.append(StandardCharsets.UTF_8.decode(chunk));
    }

    @Override
    public Receipt publish(String sha256, long size) throws IOException {
      calls.add("publish " + sha256 + " " + size);
      if (publishFailure != null) {
        throw publishFailure;
      }
      return Receipt.of("recording").with("sha256", sha256);
    }

    @Override
    public void discard(Throwable cause) {
      calls.add("discard " + cause.getClass().getSimpleName());
    }

    @Override
    public String toString() {
      return "recording";
    }
  }

  private static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void commitPublishesOnceWithTheDigestAndSizeOfWhatWasWritten() throws IOException {
    RecordingWriter writer = new RecordingWriter();
    BlobSink sink = BlobSink.of(writer, null);
    ByteBuffer ab = text("ab");

    sink.write(ab);
    sink.write(text("c"));
    Receipt receipt = sink.commit();
    sink.abort(new IOException("after the commit"));

    assertThat(ab.hasRemaining()).as("the writer consumed the chunk").isFalse();
    assertThat(writer.written).hasToString("abc");
    assertThat(writer.calls).containsExactly("publish " + ABC + " 3");
    assertThat(receipt.details()).containsEntry("sha256", ABC);
  }

  @Test
  void aWrongExpectedDigestDiscardsInsteadOfPublishing() throws IOException {
    RecordingWriter writer = new RecordingWriter();
    BlobSink sink = BlobSink.of(writer, "AB".repeat(32));
    sink.write(text("abc"));

    assertThatThrownBy(sink::commit)
        .isInstanceOf(DigestMismatchException.class)
        .hasMessage("sha256 mismatch: expected " + "ab".repeat(32) + " but was " + ABC);
    assertThat(writer.calls).containsExactly("discard DigestMismatchException");
  }

  @Test
  void anExpectedDigestInUpperCaseMatches() throws IOException {
    RecordingWriter writer = new RecordingWriter();
    BlobSink sink = BlobSink.of(writer, ABC.toUpperCase(java.util.Locale.ROOT));
    sink.write(text("abc"));

    sink.commit();

    assertThat(writer.calls).containsExactly("publish " + ABC + " 3");
  }

  @Test
  void aFailedPublishIsDiscardedWithItsFailure() {
    RecordingWriter writer = new RecordingWriter();
    writer.publishFailure = new IOException("store down");
    BlobSink sink = BlobSink.of(writer, null);

    assertThatThrownBy(sink::commit).isSameAs(writer.publishFailure);
    sink.abort(new IOException("again"));

    assertThat(writer.calls).containsExactly("publish " + EMPTY + " 0", "discard IOException");
  }

  @Test
  void abortDiscardsOnceAndTheSinkRefusesMore() throws IOException {
    RecordingWriter writer = new RecordingWriter();
    BlobSink sink = BlobSink.of(writer, null);
    sink.write(text("a"));

    sink.abort(new IllegalStateException("first"));
    sink.abort(new IOException("second"));

    assertThat(writer.calls).containsExactly("discard IllegalStateException");
    assertThatThrownBy(() -> sink.write(text("b")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the sink recording has already ended");
    assertThatThrownBy(sink::commit).isInstanceOf(IllegalStateException.class);
    assertThat(sink).hasToString("recording");
  }

  @Test
  void withoutDigestPublishesANullDigest() throws IOException {
    RecordingWriter writer = new RecordingWriter();
    BlobSink sink = BlobSink.withoutDigest(writer);
    sink.write(text("abc"));

    sink.commit();

    assertThat(writer.calls).containsExactly("publish null 3");
  }
}
