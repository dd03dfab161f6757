package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.testing.SinkContract;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The core sink contract, run against an append to a new Redis upload with 16-byte chunks: what a
 * commit keeps becomes the blob on completion; nothing an aborted append wrote is a blob.
 */
class RedisUploadAppendContractIT extends SinkContract {

  private TestRedis redis;
  private RedisBlobStore store;
  private RedisUploadStore uploads;
  private String id;

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
    id =
        uploads
            .create(
                new NewUpload(
                    "contract",
                    Upload.UNKNOWN_LENGTH,
                    null,
                    null,
                    "owner",
                    Instant.now().plusSeconds(3600),
                    true,
                    null))
            .id();
    return uploads.append(id, 0);
  }

  @Override
  protected void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
    assertThat(receipt.details()).containsEntry("offset", Integer.toString(expected.length));
    uploads.complete(id);
    Blob blob = store.find("contract").orElseThrow();
    assertThat(Bytes.readAll(blob.open(0, blob.size()), 10)).isEqualTo(expected);
  }

  @Override
  protected void assertNothingVisible() throws IOException {
    assertThat(store.find("contract")).isEmpty();
  }
}
