package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.testing.UploadAppendContract;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.io.IOException;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The core sink contract, run against an append to a new S3 upload: what a commit keeps becomes the
 * object on completion; nothing an aborted append wrote is visible as an object.
 */
@ExtendWith(S3ProxyExtension.class)
class S3UploadAppendContractIT extends UploadAppendContract {

  private final String bucket;
  private final S3Client client;
  private final S3UploadStore uploads;

  S3UploadAppendContractIT(S3 s3) {
    this.bucket = s3.newBucket();
    this.client = s3.client();
    this.uploads =
        new S3UploadStore(
            client, new S3Location(bucket, "data"), Clock.systemUTC(), S3UploadStore.MIN_PART_SIZE);
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Override
  protected Sink newSink() throws IOException {
    return uploads.append(newUpload(uploads), 0);
  }

  @Override
  protected void assertObject(byte[] expected, Receipt completion) {
    byte[] stored = client.getObjectAsBytes(b -> b.bucket(bucket).key("data/" + KEY)).asByteArray();
    assertThat(stored).isEqualTo(expected);
  }

  @Override
  protected void assertNothingVisible() {
    assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket).key("data/" + KEY)))
        .isInstanceOf(NoSuchKeyException.class);
  }
}
