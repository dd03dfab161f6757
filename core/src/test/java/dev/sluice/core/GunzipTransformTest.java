package dev.sluice.core;

import static dev.sluice.core.testing.IngestionAssertions.assertAborted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.testing.CountingSource;
import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.TestData;
import dev.sluice.core.testing.TransformContract;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Gunzip is fed what the JDK's {@link GZIPOutputStream} writes. */
class GunzipTransformTest extends TransformContract {

  static final long MAX_OUTPUT = 1 << 20;

  @Override
  protected Transform transform() {
    return Transforms.gunzip(MAX_OUTPUT);
  }

  @Override
  protected byte[] input(int size) {
    return gzip(TestData.random(size));
  }

  @Override
  protected void assertTransformed(byte[] input, byte[] output) throws IOException {
    assertThat(output).isEqualTo(GzipTransformTest.gunzip(input));
  }

  @Test
  void concatenatedMembersDecompressToTheConcatenatedContent() throws IOException {
    byte[] first = TestData.random(3000, 1);
    byte[] second = TestData.random(5000, 2);
    RecordingSink sink = new RecordingSink();

    Ingestion.from(CountingSource.of(concat(gzip(first), gzip(second))))
        .through(transform())
        .to(sink)
        .chunkSize(100)
        .run();

    assertThat(sink.bytes()).isEqualTo(concat(first, second));
    sink.assertCommittedOnce();
  }

  @Test
  void headerFieldsNameExtraCommentAndHeaderCrcAreSkipped() throws IOException {
    byte[] content = TestData.random(2000);
    byte[] plain = gzip(content);
    ByteArrayOutputStream withFields = new ByteArrayOutputStream();
    withFields.write(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, (byte) 0xff});
    withFields.write(new byte[] {3, 0, 'a', 'b', 'c'}); // FEXTRA: length 3
    withFields.write("name.bin\0".getBytes(StandardCharsets.ISO_8859_1)); // FNAME
    withFields.write("a comment\0".getBytes(StandardCharsets.ISO_8859_1)); // FCOMMENT
    withFields.write(new byte[] {0x12, 0x34}); // FHCRC (not checked)
    withFields.write(plain, 10, plain.length - 10); // deflate body and trailer
    RecordingSink sink = new RecordingSink();

    ingest(withFields.toByteArray(), sink).run();

    assertThat(sink.bytes()).isEqualTo(content);
  }

  @Test
  void corruptDeflateDataIsInvalidInputNamingWhere() {
    byte[] compressed = gzip(TestData.random(5000));
    compressed[12] = (byte) 0xff; // the first block header: reserved block type 3
    compressed[13] ^= (byte) 0xff;
    RecordingSink sink = new RecordingSink();

    IngestionException thrown = assertAborted(ingest(compressed, sink), AbortReason.INVALID_INPUT);

    assertThat(thrown.getCause())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("corrupt gzip data near input byte ");
    sink.assertAbortedOnce();
  }

  @Test
  void aWrongTrailerCrcIsInvalidInput() {
    byte[] compressed = gzip(TestData.random(5000));
    compressed[compressed.length - 8] ^= 1;
    RecordingSink sink = new RecordingSink();

    IngestionException thrown = assertAborted(ingest(compressed, sink), AbortReason.INVALID_INPUT);

    assertThat(thrown.getCause()).hasMessageStartingWith("gzip CRC-32 mismatch: trailer says ");
    sink.assertAbortedOnce();
  }

  @ParameterizedTest(name = "cut {0} bytes from the end")
  @ValueSource(ints = {1, 4, 8, 100})
  void truncatedInputIsInvalidInputAndNothingIsCommitted(int cut) {
    byte[] compressed = gzip(TestData.random(5000));
    byte[] truncated = Arrays.copyOf(compressed, compressed.length - cut);
    RecordingSink sink = new RecordingSink();

    IngestionException thrown = assertAborted(ingest(truncated, sink), AbortReason.INVALID_INPUT);

    assertThat(thrown.getCause())
        .hasMessage(
            "gzip stream ends in the middle of a member (input byte " + truncated.length + ")");
    sink.assertAbortedOnce();
  }

  @Test
  void inputThatIsNotGzipIsRefusedAtItsSecondByte() {
    RecordingSink sink = new RecordingSink();

    IngestionException thrown =
        assertAborted(
            ingest("plain text".getBytes(StandardCharsets.US_ASCII), sink),
            AbortReason.INVALID_INPUT);

    assertThat(thrown.getCause())
        .hasMessage("not gzip: the stream does not start with 1f 8b (input byte 2)");
    sink.assertAbortedOnce();
  }

  @Test
  void anEmptyStreamIsNotGzip() {
    RecordingSink sink = new RecordingSink();

    IngestionException thrown = assertAborted(ingest(new byte[0], sink), AbortReason.INVALID_INPUT);

    assertThat(thrown.getCause()).hasMessage("not gzip: the stream is empty (input byte 0)");
    sink.assertAbortedOnce();
  }

  @Test
  void trailingBytesAfterTheLastMemberAreRefused() {
    byte[] compressed = concat(gzip(TestData.random(100)), new byte[] {0, 0});
    RecordingSink sink = new RecordingSink();

    IngestionException thrown = assertAborted(ingest(compressed, sink), AbortReason.INVALID_INPUT);

    assertThat(thrown.getCause())
        .hasMessageStartingWith(
            "trailing bytes after the last gzip member are not a gzip member (input byte ");
  }

  @Test
  void aDecompressionBombStopsAtTheMaximumOutput() {
    byte[] bomb = gzip(new byte[16 << 20]); // 16 MiB of zeros in about 16 KiB
    RecordingSink sink = new RecordingSink();

    IngestionException thrown =
        assertAborted(
            Ingestion.from(CountingSource.of(bomb))
                .through(Transforms.gunzip(MAX_OUTPUT))
                .to(sink)
                .chunkSize(1024),
            AbortReason.LIMIT_EXCEEDED);

    assertThat(bomb.length).isLessThan(64 * 1024);
    assertThat(thrown.getCause())
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("decompressed size exceeds the limit of 1.0 MiB (1048576)");
    assertThat(sink.bytes().length).isLessThanOrEqualTo((int) MAX_OUTPUT);
    assertThat(thrown.report().bytesIn()).isLessThan(bomb.length);
    sink.assertAbortedOnce();
  }

  @Test
  void outputOfExactlyTheMaximumIsAccepted() throws IOException {
    byte[] content = TestData.random((int) MAX_OUTPUT);
    RecordingSink sink = new RecordingSink();

    ingest(gzip(content), sink).run();

    assertThat(sink.bytes()).isEqualTo(content);
  }

  private Ingestion ingest(byte[] compressed, Sink sink) {
    return Ingestion.from(CountingSource.of(compressed))
        .through(transform())
        .to(sink)
        .chunkSize(512);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  static byte[] gzip(byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
