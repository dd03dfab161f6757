package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.testing.SinkContract;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The core sink contract, with chunk keys of 16 bytes so every suite size crosses several. */
class RedisBlobSinkContractIT extends SinkContract {

  private TestRedis redis;
  private RedisBlobStore store;

  @BeforeEach
  void connect() {
    redis = TestRedis.connect();
    store = RedisBlobStore.builder(redis.client).prefix(redis.prefix).chunkSize(16).build();
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }

  @Override
  protected Sink newSink() throws IOException {
    return store.create("contract", BlobSpec.defaults());
  }

  @Override
  protected void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
    Blob blob = store.find("contract").orElseThrow();
    assertThat(Bytes.readAll(blob.open(0, blob.size()), 10)).isEqualTo(expected);
    assertThat(receipt.details()).containsEntry("bytes", Integer.toString(expected.length));
    assertThat(redis.keys()).hasSize(1 + (expected.length + 15) / 16 + 1); // + the key index
  }

  @Override
  protected void assertNothingVisible() {
    assertThat(redis.keys()).isEmpty();
  }
}
