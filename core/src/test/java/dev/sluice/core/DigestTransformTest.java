package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.core.testing.CountingSource;
import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.TestData;
import dev.sluice.core.testing.TransformContract;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every digest passes its bytes on unchanged and reports the digest the JDK computes for them
 * ({@link MessageDigest}, {@link CRC32C}).
 */
class DigestTransformTest {

  abstract static class DigestContract extends TransformContract {
    private final String name;
    private final Supplier<Transform> transform;

    DigestContract(String name, Supplier<Transform> transform) {
      this.name = name;
      this.transform = transform;
    }

    @Override
    protected Transform transform() {
      return transform.get();
    }

    @Override
    protected void assertTransformed(byte[] input, byte[] output) {
      assertThat(output).isEqualTo(input);
    }

    @Override
    protected void assertReport(byte[] input, IngestionReport report) {
      assertThat(report.digests()).containsExactly(java.util.Map.entry(name, jdkHex(name, input)));
    }
  }

  /** The digest of {@code bytes} as the JDK computes it. */
  static String jdkHex(String name, byte[] bytes) {
    if (name.equals("crc32c")) {
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      return String.format(Locale.ROOT, "%08x", crc.getValue());
    }
    String jdkName =
        switch (name) {
          case "sha256" -> "SHA-256";
          case "sha512" -> "SHA-512";
          case "sha1" -> "SHA-1";
          case "md5" -> "MD5";
          default -> throw new IllegalArgumentException(name);
        };
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(jdkName).digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<Arguments> expectedDigests() {
    return Stream.of(
        Arguments.of("sha256", (Function<String, Transform>) Transforms::sha256),
        Arguments.of("sha512", (Function<String, Transform>) Transforms::sha512),
        Arguments.of("sha1", (Function<String, Transform>) Transforms::sha1),
        Arguments.of("md5", (Function<String, Transform>) Transforms::md5),
        Arguments.of("crc32c", (Function<String, Transform>) Transforms::crc32c));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("expectedDigests")
  void aMatchingExpectedDigestCommitsInEitherCase(String name, Function<String, Transform> expect)
      throws IOException {
    byte[] content = TestData.random(1000);
    String hex = jdkHex(name, content);
    for (String expected : new String[] {hex, hex.toUpperCase(Locale.ROOT)}) {
      RecordingSink sink = new RecordingSink();
      IngestionReport report =
          Ingestion.from(CountingSource.of(content)).through(expect.apply(expected)).to(sink).run();
      sink.assertCommittedOnce();
      assertThat(report.digests()).containsEntry(name, hex);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("expectedDigests")
  void aMismatchRefusesTheCommitNamingBothDigests(String name, Function<String, Transform> expect)
      throws IOException {
    byte[] content = TestData.random(1000);
    String hex = jdkHex(name, content);
    String wrong = (hex.charAt(0) == '0' ? "1" : "0") + hex.substring(1);
    RecordingSink downstream = new RecordingSink();
    Sink sink = expect.apply(wrong).apply(downstream);
    sink.write(ByteBuffer.wrap(content));

    assertThatThrownBy(sink::commit)
        .isInstanceOf(DigestMismatchException.class)
        .hasMessage(name + " mismatch: expected " + wrong + " but was " + hex);
    downstream.assertAbortedOnce();
  }

  @Test
  void anExpectedDigestOfTheWrongShapeIsRefusedWithTheRule() {
    assertThatThrownBy(() -> Transforms.sha256("abc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected digest must be 64 hex digits: abc");
    assertThatThrownBy(() -> Transforms.crc32c("0000000g"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected digest must be 8 hex digits: 0000000g");
    assertThatThrownBy(() -> Transforms.md5(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected digest must be 32 hex digits: null");
  }

  @Test
  void theDigestOfAnEmptyStreamIsReported() throws IOException {
    IngestionReport report =
        Ingestion.from(CountingSource.of(new byte[0]))
            .through(Transforms.sha256())
            .through(Transforms.crc32c())
            .to(new RecordingSink())
            .run();

    assertThat(report.digests())
        .containsEntry("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        .containsEntry("crc32c", "00000000");
  }

  @Nested
  class Sha256 extends DigestContract {
    Sha256() {
      super("sha256", Transforms::sha256);
    }
  }

  @Nested
  class Sha512 extends DigestContract {
    Sha512() {
      super("sha512", Transforms::sha512);
    }
  }

  @Nested
  class Sha1 extends DigestContract {
    Sha1() {
      super("sha1", Transforms::sha1);
    }
  }

  @Nested
  class Md5 extends DigestContract {
    Md5() {
      super("md5", Transforms::md5);
    }
  }

  @Nested
  class Crc32c extends DigestContract {
    Crc32c() {
      super("crc32c", Transforms::crc32c);
    }
  }
}
