package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.TransformContract;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Nested;

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
