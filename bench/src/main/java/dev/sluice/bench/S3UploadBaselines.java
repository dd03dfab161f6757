package dev.sluice.bench;

import dev.sluice.s3.S3ClientSettings;
import dev.sluice.s3.S3Location;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The baselines of the S3 upload benchmark ({@code bench/s3.sh}), each run in its own JVM so the
 * harness can measure its peak RSS: the SDK's own single PUT of a file ({@code sdk-put}) and a
 * plain sequential multipart loop ({@code multipart-loop}) with one reused part buffer. Client
 * settings (endpoint, region) come from the same environment as the CLI's ({@code
 * AWS_ENDPOINT_URL}, …); everything else is the SDK's default.
 *
 * <pre>java -cp benchmarks.jar dev.sluice.bench.S3UploadBaselines sdk-put FILE s3://bucket/key
 * java -cp benchmarks.jar dev.sluice.bench.S3UploadBaselines multipart-loop FILE s3://bucket/key
 * java -cp benchmarks.jar dev.sluice.bench.S3UploadBaselines create-bucket s3://bucket
 * </pre>
 */
public final class S3UploadBaselines {

  private static final int PART_SIZE = 8 << 20;

  private S3UploadBaselines() {}

  public static void main(String[] args) throws IOException {
    if (args.length == 2 && args[0].equals("create-bucket")) {
      try (S3Client client =
          S3ClientSettings.from(java.util.Map.of(), System.getenv()).newClient()) {
        client.createBucket(b -> b.bucket(S3Location.parse(args[1]).bucket()));
      }
      return;
    }
    if (args.length != 3) {
      System.err.println("usage: S3UploadBaselines sdk-put|multipart-loop FILE s3://bucket/key");
      System.exit(2);
    }
    Path file = Path.of(args[1]);
    S3Location target = S3Location.parseObject(args[2]);
    long start = System.nanoTime();
    try (S3Client client = sdkDefaultClient()) {
      switch (args[0]) {
        case "sdk-put" ->
            client.putObject(
                b -> b.bucket(target.bucket()).key(target.key()), RequestBody.fromFile(file));
        case "multipart-loop" -> multipartLoop(client, file, target);
        default -> throw new IllegalArgumentException("unknown baseline: " + args[0]);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long bytes = Files.size(file);
    System.out.printf(
        Locale.ROOT,
        "%s: %d bytes in %.3f s, %.1f MiB/s%n",
        args[0],
        bytes,
        seconds,
        bytes / 1048576.0 / seconds);
  }

  /** A client with the SDK's defaults, only pointed at the same endpoint as the CLI. */
  private static S3Client sdkDefaultClient() {
    S3ClientSettings settings = S3ClientSettings.from(java.util.Map.of(), System.getenv());
    var builder = S3Client.builder().region(settings.region()).forcePathStyle(settings.pathStyle());
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  private static void multipartLoop(S3Client client, Path file, S3Location target)
      throws IOException {
    String uploadId =
        client.createMultipartUpload(b -> b.bucket(target.bucket()).key(target.key())).uploadId();
    List<CompletedPart> parts = new ArrayList<>();
    byte[] buffer = new byte[PART_SIZE];
    try (InputStream in = Files.newInputStream(file)) {
      int number = 1;
      int filled;
      while ((filled = in.readNBytes(buffer, 0, PART_SIZE)) > 0) {
        int partNumber = number++;
        String etag =
            client
                .uploadPart(
                    b ->
                        b.bucket(target.bucket())
                            .key(target.key())
                            .uploadId(uploadId)
                            .partNumber(partNumber),
                    RequestBody.fromBytes(java.util.Arrays.copyOf(buffer, filled)))
                .eTag();
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
      }
    }
    client.completeMultipartUpload(
        b ->
            b.bucket(target.bucket())
                .key(target.key())
                .uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
  }
}
