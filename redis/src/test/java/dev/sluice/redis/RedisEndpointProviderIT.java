package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Sinks;
import dev.sluice.core.Source;
import dev.sluice.core.Sources;
import dev.sluice.core.Transforms;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.endpoint.EndpointProvider;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionReport;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisEndpointProviderIT {

  private TestRedis redis;
  private final EndpointProvider provider = new RedisEndpointProvider();

  @BeforeEach
  void connect() {
    redis = TestRedis.connect();
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }

  @Test
  void isFoundByTheServiceLoader() {
    assertThat(ServiceLoader.load(EndpointProvider.class).stream())
        .anyMatch(p -> p.type() == RedisEndpointProvider.class);
    assertThat(provider.handles("redis://127.0.0.1:6379/0")).isTrue();
    assertThat(provider.handles("rediss://cache/0")).isTrue();
    assertThat(provider.handles("s3://bucket/key")).isFalse();
  }

  @Test
  void writesABlobToAKeyInThePathAndReadsItBack() throws Exception {
    String url = redis.url("/0/blobs/generated.bin?prefix=" + redis.prefix + "&chunk-size=100KiB");
    int size = 3 * 1024 * 1024 + 17;

    IngestionReport in =
        Ingestion.from(Sources.generated(size, 42))
            .through(Transforms.sha256())
            .to(provider.openSink(url, Map.of("content-type", "application/x-test")))
            .run();
    IngestionReport out =
        Ingestion.from(provider.openSource(url, Map.of()))
            .through(Transforms.sha256())
            .to(Sinks.discard())
            .run();

    assertThat(out.bytesOut()).isEqualTo(size);
    assertThat(out.digests().get("sha256")).isEqualTo(in.digests().get("sha256"));
    assertThat(in.receipt().details()).containsEntry("chunks", "31");
    assertThat(redis.keys())
        .hasSize(1 + 31 + 1) // manifest, chunks, key index
        .contains(redis.prefix + ":blob:blobs/generated.bin", redis.prefix + ":index");
    assertThat(redis.client.hget(redis.prefix + ":blob:blobs/generated.bin", "contentType"))
        .isEqualTo("application/x-test");
  }

  @Test
  void aStoreLocationServesWhatItsSinksCommitted() throws Exception {
    String url = redis.url("/0?prefix=" + redis.prefix);
    try (BlobStore store = provider.openStore(url, Map.of())) {
      Ingestion.from(Sources.generated(5000, 1))
          .to(store.create("k", dev.sluice.core.blob.BlobSpec.defaults()))
          .run();

      Blob blob = store.find("k").orElseThrow();
      assertThat(blob.size()).isEqualTo(5000);
      assertThat(Bytes.readAll(blob.open(4990, 10), 64))
          .isEqualTo(java.util.Arrays.copyOfRange(Bytes.generated(5000, 1), 4990, 5000));
      assertThat(store.describe()).isEqualTo("redis://127.0.0.1:6379/0?prefix=" + redis.prefix);
    }
  }

  @Test
  void theSourceKnowsItsLength() throws Exception {
    String url = redis.url("/0/sized?prefix=" + redis.prefix);
    Ingestion.from(Sources.generated(1234, 2)).to(provider.openSink(url, Map.of())).run();

    try (Source source = provider.openSource(url, Map.of())) {
      assertThat(source.length()).isEqualTo(1234);
    }
  }

  @Test
  void readingAMissingBlobNamesIt() {
    String url = redis.url("/0/missing?prefix=" + redis.prefix);

    assertThatThrownBy(() -> provider.openSource(url, Map.of()))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage(url + ": no blob under this key");
  }

  @Test
  void aSinkLocationNeedsAStreamOrAKey() {
    assertThatThrownBy(() -> provider.openSink(redis.url("/0"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot write to redis://127.0.0.1:6379/0: give a stream (--stream NAME) for records,"
                + " or a blob key in the path, e.g. redis://127.0.0.1:6379/0/KEY");
  }

  @Test
  void anUnreachableServerFailsWhenOpened() {
    assertThatThrownBy(() -> provider.openSink("redis://127.0.0.1:1/0/k", Map.of()))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith("cannot reach Redis at redis://127.0.0.1:1/0: ");
  }
}
