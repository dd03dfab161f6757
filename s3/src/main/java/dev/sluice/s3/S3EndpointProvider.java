package dev.sluice.s3;

import static dev.sluice.core.endpoint.EndpointProvider.EXPECTED_SHA256;
import static dev.sluice.core.endpoint.EndpointProvider.EXPECTED_SIZE;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.endpoint.EndpointProvider;
import dev.sluice.s3.internal.S3Blob;
import dev.sluice.s3.internal.S3Source;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code s3://bucket/key} for the command line and the server: a source streams the object with one
 * GET, a sink is the multipart upload ({@link S3Upload}), a store is an {@link S3BlobStore} over
 * {@code s3://bucket/prefix}. Each opened endpoint has its own client, closed when the source, sink
 * or store is.
 *
 * <p>Options, besides those of {@link S3ClientSettings}: {@code part-size} (e.g. {@code 16MiB} or a
 * byte count; {@code s3-part-size} also works), {@code parallel} (parts in flight; or {@code
 * s3-parallel}), {@code s3-checksum} ({@code crc32c} or {@code sha256}), {@value
 * EndpointProvider#EXPECTED_SIZE} (or {@code s3-expected-size}: grows the part size of objects over
 * 78 GiB to fit 10,000 parts), {@value EndpointProvider#EXPECTED_SHA256} (checked, and stored in
 * the metadata up front), {@code s3-sha256-metadata} ({@code true} stores the SHA-256 of a
 * multipart upload without a known digest in its metadata, with a server-side copy of the object
 * after the upload; also read from {@code SLUICE_S3_SHA256_METADATA}; default false for a sink,
 * true for a store, whose blobs report it).
 */
public final class S3EndpointProvider implements EndpointProvider {

  private final Map<String, String> env;

  /** A provider reading the process environment. */
  public S3EndpointProvider() {
    this(System.getenv());
  }

  /** A provider reading {@code env} instead of the process environment (for tests). */
  public S3EndpointProvider(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public boolean handles(String location) {
    return S3Location.matches(location);
  }

  @Override
  public String forms() {
    return "s3://BUCKET/KEY";
  }

  @Override
  public Source openSource(String location, Map<String, String> options) throws IOException {
    S3Location object = S3Location.parseObject(location);
    S3Client client = S3ClientSettings.from(options, env).newClient();
    try {
      Blob blob =
          S3Blob.head(client, object)
              .orElseThrow(() -> new FileNotFoundException(object + ": no such object"));
      return new ClientClosingSource(new S3Source(object, blob, 0, blob.size()), client);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>An existing object is replaced only with {@link #OVERWRITE} ({@code --force}): otherwise a
   * HEAD refuses it before any byte is sent, and the upload's commit is conditional ({@code
   * If-None-Match: *}) against one created meanwhile.
   */
  @Override
  public Sink openSink(String location, Map<String, String> options) throws IOException {
    S3Location object = S3Location.parseObject(location);
    UnaryOperator<S3Upload.Builder> settings = uploadSettings(options);
    boolean sha256Metadata = sha256Metadata(options, false);
    boolean overwrite = Boolean.parseBoolean(options.get(OVERWRITE));
    String expectedSha256 = options.get(EXPECTED_SHA256);
    S3Client client = S3ClientSettings.from(options, env).newClient();
    try {
      if (!overwrite && S3Blob.head(client, object).isPresent()) {
        throw new FileAlreadyExistsException(object.toString());
      }
      return new ClientClosingSink(
          settings
              .apply(S3Upload.builder(client, object))
              .expectedSha256(expectedSha256)
              .sha256Metadata(sha256Metadata)
              .overwrite(overwrite)
              .build(),
          client);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  @Override
  public String storeForms() {
    return "s3://BUCKET[/PREFIX]";
  }

  @Override
  public BlobStore openStore(String location, Map<String, String> options) {
    S3Location root = S3Location.parse(location);
    UnaryOperator<S3Upload.Builder> settings = uploadSettings(options);
    boolean sha256Metadata = sha256Metadata(options, true);
    return S3BlobStore.builder(S3ClientSettings.from(options, env).newClient(), root)
        .uploads(upload -> settings.apply(upload).sha256Metadata(sha256Metadata))
        .closeClient(true)
        .build();
  }

  /**
   * Whether to store a digest not known up front in the metadata, at the cost of a server-side
   * copy: the option, else the environment, else {@code fallback}.
   */
  private boolean sha256Metadata(Map<String, String> options, boolean fallback) {
    String text = options.getOrDefault("s3-sha256-metadata", env.get("SLUICE_S3_SHA256_METADATA"));
    return text == null ? fallback : parseBoolean("s3-sha256-metadata", text);
  }

  /** Reads the upload options up front, so a bad value fails before anything is opened. */
  static UnaryOperator<S3Upload.Builder> uploadSettings(Map<String, String> options) {
    String partSizeKey = options.containsKey("part-size") ? "part-size" : "s3-part-size";
    String partSizeText = options.get(partSizeKey);
    long partSize =
        partSizeText == null ? S3Upload.DEFAULT_PART_SIZE : parseSize(partSizeKey, partSizeText);
    String parallelKey = options.containsKey("parallel") ? "parallel" : "s3-parallel";
    int parallel = parseInt(parallelKey, options.get(parallelKey), S3Upload.DEFAULT_PARALLEL);
    String checksumText = options.get("s3-checksum");
    S3Checksum checksum = checksumText == null ? S3Checksum.CRC32C : S3Checksum.parse(checksumText);
    String sizeKey = options.containsKey(EXPECTED_SIZE) ? EXPECTED_SIZE : "s3-expected-size";
    String sizeText = options.get(sizeKey);
    long expectedSize = sizeText == null ? -1 : parseSize(sizeKey, sizeText);
    S3Upload.checkPartSize(partSize);
    S3Upload.checkParallel(parallel);
    S3Upload.effectivePartSize((int) partSize, expectedSize);
    return upload ->
        upload.partSize(partSize).parallel(parallel).checksum(checksum).expectedSize(expectedSize);
  }

  private static long parseSize(String option, String text) {
    try {
      return ByteSize.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
  }

  private static boolean parseBoolean(String option, String text) {
    if (text.isEmpty() || text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(
        "invalid " + option + " '" + text + "': expected true or false");
  }

  private static int parseInt(String option, String text, int fallback) {
    if (text == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "invalid " + option + " '" + text + "': expected a whole number", e);
    }
  }

  /** Closes the endpoint's own client once the sink has ended. */
  private record ClientClosingSink(Sink sink, S3Client client) implements Sink {

    @Override
    public void write(ByteBuffer chunk) throws IOException {
      sink.write(chunk);
    }

    @Override
    public Receipt commit() throws IOException {
      try {
        return sink.commit();
      } finally {
        client.close();
      }
    }

    @Override
    public void abort(Throwable cause) {
      try {
        sink.abort(cause);
      } finally {
        client.close();
      }
    }

    @Override
    public String toString() {
      return sink.toString();
    }
  }

  /** Closes the endpoint's own client with the source. */
  private record ClientClosingSource(Source source, S3Client client) implements Source {

    @Override
    public int read(ByteBuffer into) throws IOException {
      return source.read(into);
    }

    @Override
    public long length() {
      return source.length();
    }

    @Override
    public void close() throws IOException {
      try {
        source.close();
      } finally {
        client.close();
      }
    }

    @Override
    public String toString() {
      return source.toString();
    }
  }
}
