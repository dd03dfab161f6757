package dev.sluice.s3;

import dev.sluice.core.Source;
import dev.sluice.core.testing.SourceContract;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The source contract, run against what {@code s3://bucket/key} opens: the ranged S3 source, in the
 * wrapper that closes its own client with it.
 */
@ExtendWith(S3ProxyExtension.class)
class S3EndpointSourceContractIT extends SourceContract {

  private static final AtomicInteger KEYS = new AtomicInteger();

  private final S3 s3;
  private final String bucket;
  private final S3Client client;

  S3EndpointSourceContractIT(S3 s3) {
    this.s3 = s3;
    this.bucket = s3.newBucket();
    this.client = s3.client();
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Override
  protected Source newSource(byte[] content) throws IOException {
    String key = "source-" + KEYS.incrementAndGet();
    client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
    return new S3EndpointProvider(Map.of()).openSource("s3://" + bucket + "/" + key, s3.options());
  }
}
