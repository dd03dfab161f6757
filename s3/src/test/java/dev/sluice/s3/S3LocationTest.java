package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3LocationTest {

  @Test
  void parsesBucketAndKey() {
    assertThat(S3Location.parse("s3://bucket/a/b.bin"))
        .isEqualTo(new S3Location("bucket", "a/b.bin"));
    assertThat(S3Location.parse("s3://bucket")).isEqualTo(new S3Location("bucket", ""));
    assertThat(S3Location.parse("s3://bucket/")).isEqualTo(new S3Location("bucket", ""));
    assertThat(S3Location.parse("s3://bucket/a").toString()).isEqualTo("s3://bucket/a");
  }

  @Test
  void refusesMalformedLocationsNamingTheInputAndTheForm() {
    assertThatThrownBy(() -> S3Location.parse("http://bucket/key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid S3 location 'http://bucket/key': expected s3://bucket/key");
    assertThatThrownBy(() -> S3Location.parse("s3:///key"))
        .hasMessage(
            "invalid S3 location 's3:///key': the bucket is empty (expected s3://bucket/key)");
    assertThatThrownBy(() -> S3Location.parseObject("s3://bucket/"))
        .hasMessage(
            "invalid S3 location 's3://bucket/': the key is empty (expected s3://bucket/key)");
  }

  @Test
  void checksumNamesParseInAnyCase() {
    assertThat(S3Checksum.parse("CRC32C")).isEqualTo(S3Checksum.CRC32C);
    assertThat(S3Checksum.parse("sha-256")).isEqualTo(S3Checksum.SHA256);
  }
}
