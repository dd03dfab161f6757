package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.testing.BlobStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The core blob store contract, with 64 KiB chunks so the suite's 200 KB blobs span four. */
class RedisBlobStoreContractIT extends BlobStoreContract {

  private TestRedis redis;
  private RedisBlobStore store;

  @BeforeEach
  void connect() {
    redis = TestRedis.connect();
    store = RedisBlobStore.builder(redis.client).prefix(redis.prefix).chunkSize(64 * 1024).build();
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }

  @Override
  protected BlobStore store() {
    return store;
  }

  @Test
  void theSuiteLeavesOnlyManifestsAndTheirChunks() throws Exception {
    anAbortLeavesNothing();
    assertThat(redis.keys()).noneMatch(key -> key.contains(":chunk:"));
  }
}
