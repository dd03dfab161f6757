package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.DroppingProxy;
import dev.sluice.core.testing.TusJsClient;
import dev.sluice.http.ServerConfig;
import dev.sluice.http.SluiceServer;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The real tus-js-client (the http module's {@code src/test/node}) uploads into S3 (s3proxy)
 * through {@code sluice serve}'s resumable uploads, in 5 MiB chunks through a proxy that drops the
 * connection twice: the object ends with the source's SHA-256 in its metadata and no multipart
 * upload or staging object is left.
 */
@ExtendWith(S3ProxyExtension.class)
class TusJsClientS3IT {

  private static final Path NODE_DIR = Path.of("..", "http", "src", "test", "node");
  private static final int MIB = 1 << 20;
  private static final int SIZE = 24 * MIB + 4321;

  private final String bucket;
  private final S3Client client;
  private final SluiceServer server;

  @TempDir Path files;

  TusJsClientS3IT(S3 s3) throws Exception {
    this.bucket = s3.newBucket();
    this.client = s3.client();
    S3BlobStore store = S3BlobStore.open(client, S3Location.parse("s3://" + bucket + "/up"));
    this.server =
        SluiceServer.builder(ServerConfig.builder().bind("127.0.0.1").port(0).build(), store)
            .uploads(store.uploads(Clock.systemUTC()))
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    client.close();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"tus-v1", "ietf-draft-05"})
  void uploadsThroughDroppedConnectionsIntoS3(String protocol) throws Exception {
    Path source = files.resolve("source.bin");
    byte[] data = new byte[SIZE];
    new Random(protocol.hashCode()).nextBytes(data);
    try (OutputStream out = Files.newOutputStream(source)) {
      out.write(data);
    }
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    try (DroppingProxy proxy = new DroppingProxy(server.port(), 7L * MIB, 15L * MIB + 777)) {
      String output =
          TusJsClient.in(NODE_DIR)
              .upload(
                  "http://127.0.0.1:" + proxy.port() + "/objects/big.bin",
                  source,
                  protocol,
                  5 * MIB);
      assertThat(output).startsWith("ok ");
      assertThat(proxy.drops()).isEqualTo(2);
    }
    var head = client.headObject(b -> b.bucket(bucket).key("up/big.bin"));
    assertThat(head.contentLength()).isEqualTo(SIZE);
    assertThat(head.metadata()).containsEntry("sha256", sha256);
    assertThat(client.getObjectAsBytes(b -> b.bucket(bucket).key("up/big.bin")).asByteArray())
        .isEqualTo(data);
    assertThat(client.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    assertThat(client.listObjectsV2(b -> b.bucket(bucket).prefix("up/.sluice-uploads/")).contents())
        .allMatch(o -> o.key().endsWith(".upload"));
  }
}
