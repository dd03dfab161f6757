package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.testing.UploadAppendContract;
import java.io.IOException;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The core sink contract, run against an append to a new Redis upload with 16-byte chunks: what a
 * commit keeps becomes the blob on completion; nothing an aborted append wrote is a blob.
 */
class RedisUploadAppendContractIT extends UploadAppendContract {

  private TestRedis redis;
  private RedisBlobStore store;
  private RedisUploadStore uploads;

  @BeforeEach
  void connect() {
    redis = TestRedis.connect();
    store = RedisBlobStore.builder(redis.client).prefix(redis.prefix).chunkSize(16).build();
    uploads = store.uploads(Clock.systemUTC());
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }

  @Override
  protected Sink newSink() throws IOException {
    return uploads.append(newUpload(uploads), 0);
  }

  @Override
  protected void assertObject(byte[] expected, Receipt completion) throws IOException {
    Blob blob = store.find(KEY).orElseThrow();
    assertThat(Bytes.readAll(blob.open(0, blob.size()), 10)).isEqualTo(expected);
  }

  @Override
  protected void assertNothingVisible() throws IOException {
    assertThat(store.find(KEY)).isEmpty();
  }
}
