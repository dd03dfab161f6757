package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Sinks;
import dev.sluice.core.Source;
import dev.sluice.core.Sources;
import dev.sluice.core.Transforms;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.endpoint.EndpointProvider;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(S3ProxyExtension.class)
class S3EndpointProviderIT {

  private final S3 s3;
  private final String bucket;
  private final Map<String, String> options;

  S3EndpointProviderIT(S3 s3) {
    this.s3 = s3;
    this.bucket = s3.newBucket();
    this.options = new HashMap<>(s3.options());
    options.put("part-size", String.valueOf(5 << 20));
    options.put("s3-parallel", "2");
  }

  private static EndpointProvider provider(String location) {
    return ServiceLoader.load(EndpointProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.handles(location))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theServiceLoaderFindsTheProviderForS3LocationsOnly() {
    assertThat(provider("s3://b/k")).isInstanceOf(S3EndpointProvider.class);
    assertThat(new S3EndpointProvider().handles("S3://b/k")).isTrue();
    assertThat(new S3EndpointProvider().handles("/tmp/s3://b")).isFalse();
  }

  @Test
  void anExistingObjectIsReplacedOnlyWithOverwriteAsAFileIsOnlyWithForce() throws Exception {
    String location = "s3://" + bucket + "/once.bin";
    Ingestion.from(Sources.generated(1000, 1))
        .to(provider(location).openSink(location, options))
        .run();
    assertThatThrownBy(() -> provider(location).openSink(location, options))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class)
        .hasMessage(location);
    Map<String, String> force = new HashMap<>(options);
    force.put(EndpointProvider.OVERWRITE, "true");
    Ingestion.from(Sources.generated(2000, 2))
        .to(provider(location).openSink(location, force))
        .run();
    assertThat(provider(location).openSource(location, options).length()).isEqualTo(2000);
  }

  @Test
  void aFileGoesToS3AndComesBackIdentical(@TempDir Path dir) throws Exception {
    Path original = dir.resolve("original.bin");
    Ingestion.from(Sources.generated(12L << 20, 5)).to(Sinks.file(original)).run();
    String location = "s3://" + bucket + "/dir/copy.bin";

    IngestionReport up =
        Ingestion.from(Sources.file(original))
            .through(Transforms.sha256())
            .to(provider(location).openSink(location, options))
            .run();
    assertThat(up.receipt().details()).containsEntry("parts", "3");

    Path back = dir.resolve("back.bin");
    Source source = provider(location).openSource(location, options);
    assertThat(source.length()).isEqualTo(12L << 20);
    IngestionReport down =
        Ingestion.from(source).through(Transforms.sha256()).to(Sinks.file(back)).run();

    assertThat(down.digests().get("sha256")).isEqualTo(up.digests().get("sha256"));
    assertThat(Files.mismatch(original, back)).isEqualTo(-1);
  }

  @Test
  void aSinkHashesAndStoresTheSha256WhenKnownUpFrontOrWhenAskedTo() throws Exception {
    long size = 12L << 20; // three parts
    String sha256 = sha256Of(3);

    assertThat(upload("plain", size, Map.of(EndpointProvider.EXPECTED_SIZE, "" + size)))
        .doesNotContainKey("sha256")
        .containsEntry("parts", "3");
    assertThat(metadataOf("plain")).doesNotContainKey("sha256");

    assertThat(upload("known", size, Map.of(EndpointProvider.EXPECTED_SHA256, sha256)))
        .containsEntry("sha256", sha256)
        .containsEntry("parts", "3");
    assertThat(metadataOf("known")).containsEntry("sha256", sha256);

    assertThat(upload("asked", size, Map.of("s3-sha256-metadata", "true")))
        .containsEntry("sha256", sha256)
        .containsEntry("parts", "3");
    assertThat(metadataOf("asked")).containsEntry("sha256", sha256);
  }

  @Test
  void aSinkRefusesBytesThatDoNotHaveTheExpectedSha256() throws Exception {
    String wrong = "0".repeat(64);
    String actual = sha256Of(3);
    assertThatThrownBy(
            () -> upload("wrong", 12L << 20, Map.of(EndpointProvider.EXPECTED_SHA256, wrong)))
        .hasRootCauseMessage("sha256 mismatch: expected " + wrong + " but was " + actual);
    try (var client = s3.client()) {
      assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }
  }

  private static String sha256Of(long seed) throws IOException {
    return Ingestion.from(Sources.generated(12L << 20, seed))
        .through(Transforms.sha256())
        .to(Sinks.discard())
        .run()
        .digests()
        .get("sha256");
  }

  /** Uploads {@code size} generated bytes through the provider's sink; the receipt's details. */
  private Map<String, String> upload(String key, long size, Map<String, String> extra)
      throws Exception {
    Map<String, String> all = new HashMap<>(options);
    all.putAll(extra);
    String location = "s3://" + bucket + "/" + key;
    return Ingestion.from(Sources.generated(size, 3))
        .to(provider(location).openSink(location, all))
        .run()
        .receipt()
        .details();
  }

  private Map<String, String> metadataOf(String key) {
    try (var client = s3.client()) {
      return client.headObject(b -> b.bucket(bucket).key(key)).metadata();
    }
  }

  @Test
  void theStoreServesTheObjectsUnderItsPrefix() throws Exception {
    try (BlobStore store =
        provider("s3://" + bucket + "/p").openStore("s3://" + bucket + "/p", options)) {
      Ingestion.from(Sources.generated(10, 1))
          .to(store.create("x", dev.sluice.core.blob.BlobSpec.defaults()))
          .run();
      assertThat(store.find("x").orElseThrow().size()).isEqualTo(10);
      assertThat(store.describe()).isEqualTo("s3://" + bucket + "/p/");
    }
  }

  @Test
  void aMissingObjectIsAClearError() {
    String location = "s3://" + bucket + "/nothing-here";
    assertThatThrownBy(() -> provider(location).openSource(location, options))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessage(location + ": no such object");
  }

  @Test
  void badOptionsAreRefusedNamingTheOptionAndTheRule() {
    var provider = new S3EndpointProvider(Map.of());
    assertThatThrownBy(() -> provider.openSink("s3://b/k", Map.of("s3-part-size", "1MiB")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "part size must be between 5 MiB and 512 MiB (5242880..536870912 bytes): 1048576");
    assertThatThrownBy(() -> provider.openSink("s3://b/k", Map.of("s3-parallel", "four")))
        .hasMessage("invalid s3-parallel 'four': expected a whole number");
    assertThatThrownBy(() -> provider.openSink("s3://b/k", Map.of("s3-checksum", "md5")))
        .hasMessage("invalid s3-checksum 'md5': expected crc32c or sha256");
    assertThatThrownBy(() -> provider.openSink("s3://b", Map.of()))
        .hasMessage("invalid S3 location 's3://b': the key is empty (expected s3://bucket/key)");
  }
}
