package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.testing.SinkContract;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The sink contract, run against what {@code s3://bucket/key} opens as a destination: the upload
 * sink in the wrapper that closes its own client when the sink ends.
 */
@ExtendWith(S3ProxyExtension.class)
class S3EndpointSinkContractIT extends SinkContract {

  private static final AtomicInteger KEYS = new AtomicInteger();

  private final S3 s3;
  private final String bucket;
  private final S3Client client;
  private String key;

  S3EndpointSinkContractIT(S3 s3) {
    this.s3 = s3;
    this.bucket = s3.newBucket();
    this.client = s3.client();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Override
  protected Sink newSink() throws java.io.IOException {
    key = "endpoint-" + KEYS.incrementAndGet();
    return new S3EndpointProvider(Map.of()).openSink("s3://" + bucket + "/" + key, s3.options());
  }

  @Override
  protected void assertCommitted(byte[] expected, Receipt receipt) {
    byte[] stored = client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    assertThat(stored).isEqualTo(expected);
  }

  @Override
  protected void assertNothingVisible() {
    assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket).key(key)))
        .isInstanceOf(NoSuchKeyException.class);
    assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
  }
}
