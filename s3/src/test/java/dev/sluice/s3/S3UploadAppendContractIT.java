package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.testing.SinkContract;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The core sink contract, run against an append to a new S3 upload: what a commit keeps becomes the
 * object on completion; nothing an aborted append wrote is visible as an object.
 */
@ExtendWith(S3ProxyExtension.class)
class S3UploadAppendContractIT extends SinkContract {

  private final String bucket;
  private final S3Client client;
  private final S3UploadStore uploads;
  private String id;

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
    id =
        uploads
            .create(
                new NewUpload(
                    "object.bin",
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
    byte[] stored =
        client.getObjectAsBytes(b -> b.bucket(bucket).key("data/object.bin")).asByteArray();
    assertThat(stored).isEqualTo(expected);
  }

  @Override
  protected void assertNothingVisible() {
    assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket).key("data/object.bin")))
        .isInstanceOf(NoSuchKeyException.class);
  }
}
