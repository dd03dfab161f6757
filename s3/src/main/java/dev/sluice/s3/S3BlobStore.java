package dev.sluice.s3;

import dev.sluice.core.ForwardingSink;
import dev.sluice.core.Secrets;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobChangedException;
import dev.sluice.core.blob.BlobEntry;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.blob.Precondition;
import dev.sluice.core.blob.PreconditionFailedException;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.s3.internal.PartMemory;
import dev.sluice.s3.internal.S3Blob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs under an S3 prefix: key {@code a/b.bin} of {@code s3://bucket/data} is the object {@code
 * data/a/b.bin} of {@code bucket}. New blobs go through the multipart sink ({@link S3Upload}),
 * which hashes them with SHA-256 and stores the digest in the object's metadata, where {@link
 * Blob#sha256()} finds it.
 *
 * <p>Overwrite protection ({@code BlobSpec.overwrite() == false}) is checked twice: a HEAD when the
 * sink is created fails fast with {@link FileAlreadyExistsException}, and the commit is conditional
 * ({@code If-None-Match: *} on the PUT or on CompleteMultipartUpload), which S3 enforces
 * atomically. A server that ignores the condition leaves only the HEAD check, with a race between
 * two concurrent writers of the same key.
 *
 * <p>Other preconditions ({@code If-Match}, {@code If-Unmodified-Since}, …) are checked with a HEAD
 * when the sink is created and again just before the commit; S3 applies no condition of ours
 * between that HEAD and the commit, so two writers racing within that window can both succeed
 * (s3proxy, which the tests use, honours no {@code If-Match} on writes). Deletes are checked the
 * same way.
 */
public final class S3BlobStore implements BlobStore {

  private static final int HEADS_WHILE_REPLACED = 3;

  private final S3Client client;
  private final S3Location root;
  private final UnaryOperator<S3Upload.Builder> uploadSettings;
  private final boolean closeClient;
  private final MemoryBudget memory; // null: part buffers beside any budget
  private final Duration memoryWait;

  private S3BlobStore(Builder builder) {
    String prefix = builder.root.key();
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    this.client = builder.client;
    this.root = new S3Location(builder.root.bucket(), prefix);
    this.uploadSettings = builder.uploadSettings;
    this.closeClient = builder.closeClient;
    this.memory = builder.memory;
    this.memoryWait = builder.memoryWait;
  }

  /**
   * A store over {@code root} ({@code s3://bucket} or {@code s3://bucket/prefix}) with default
   * upload settings; closing it leaves the client open.
   */
  public static S3BlobStore open(S3Client client, S3Location root) {
    return builder(client, root).build();
  }

  /**
   * Starts configuring a store over {@code root} ({@code s3://bucket} or {@code
   * s3://bucket/prefix}).
   */
  public static Builder builder(S3Client client, S3Location root) {
    return new Builder(client, root);
  }

  /** The settings of an {@link S3BlobStore}; {@link #build} makes it. Not thread-safe. */
  public static final class Builder {
    private final S3Client client;
    private final S3Location root;
    private UnaryOperator<S3Upload.Builder> uploadSettings = UnaryOperator.identity();
    private boolean closeClient;
    private MemoryBudget memory;
    private Duration memoryWait = Duration.ZERO;

    private Builder(S3Client client, S3Location root) {
      if (client == null) {
        throw new NullPointerException("client == null");
      }
      if (root == null) {
        throw new NullPointerException("root == null");
      }
      this.client = client;
      this.root = root;
    }

    /** Settings applied to every upload, e.g. {@code u -> u.partSize(16 << 20)} (default none). */
    public Builder uploads(UnaryOperator<S3Upload.Builder> settings) {
      if (settings == null) {
        throw new NullPointerException("settings == null");
      }
      this.uploadSettings = settings;
      return this;
    }

    /** Whether {@link S3BlobStore#close} closes the client (default false). */
    public Builder closeClient(boolean close) {
      this.closeClient = close;
      return this;
    }

    /**
     * Takes every upload's part buffers from {@code memory} (see {@link S3Upload.Builder#memory});
     * by default, {@code null}, they are allocated beside any budget. {@link #create} takes the
     * first, waiting up to {@code wait}, and fails with {@link
     * dev.sluice.core.job.MemoryExhaustedException} without it: nothing is read for an upload the
     * store has no memory for.
     */
    public Builder memory(MemoryBudget memory, Duration wait) {
      this.memoryWait = PartMemory.requireWait(wait); // first: a refused wait changes nothing
      this.memory = memory;
      return this;
    }

    /** Makes the store; nothing is sent to S3 until it is used. */
    public S3BlobStore build() {
      return new S3BlobStore(this);
    }
  }

  @Override
  public Sink create(String key, BlobSpec spec) throws IOException {
    S3Location location = locate(key);
    if (!spec.overwrite() && S3Blob.head(client, location).isPresent()) {
      throw new FileAlreadyExistsException(
          location.toString(), null, "an object exists and overwrite is off");
    }
    Precondition precondition = spec.precondition();
    if (!precondition.holdsFor(S3Blob.head(client, location))) {
      throw new PreconditionFailedException(key);
    }
    S3Upload.Builder upload =
        uploadSettings
            .apply(S3Upload.builder(client, location))
            .contentType(spec.contentType())
            .expectedSha256(spec.expectedSha256())
            .overwrite(spec.overwrite())
            .memory(memory, memoryWait);
    // with a budget, refused for want of a part buffer before the caller reads anything for it
    Sink sink = memory == null ? upload.build() : upload.buildHoldingFirstPart();
    if (precondition == Precondition.NONE) {
      return sink;
    }
    return new ForwardingSink(sink) {
      @Override
      protected void beforeCommit() throws IOException {
        if (!precondition.holdsFor(S3Blob.head(client, location))) {
          throw new PreconditionFailedException(key);
        }
      }

      @Override
      protected String name() {
        return "precondition";
      }
    };
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: a store over the same prefix, with the same client and upload settings, whose uploads
   * reserve their part buffers from {@code memory} (see {@link Builder#memory}).
   */
  @Override
  public S3BlobStore withMemory(MemoryBudget memory, Duration wait) {
    return new Builder(client, root)
        .uploads(uploadSettings)
        .memory(memory, wait)
        .closeClient(false) // this store's
        .build();
  }

  @Override
  public Optional<Blob> find(String key) throws IOException {
    return S3Blob.head(client, locate(key));
  }

  /**
   * {@inheritDoc}
   *
   * <p>ListObjectsV2 pages (up to 1,000 keys each) under the store's prefix, with {@code
   * StartAfter}, fetched as the stream is consumed. S3 lists keys in UTF-8 byte order. An entry's
   * content type is null: a listing does not carry it ({@link #find} does).
   */
  @Override
  public Stream<BlobEntry> list(String prefix, String after) throws IOException {
    String base = root.key();
    String startAfter = after == null || after.isEmpty() ? null : base + after;
    ListObjectsV2Request request =
        ListObjectsV2Request.builder()
            .bucket(root.bucket())
            .prefix(base + (prefix == null ? "" : prefix))
            .startAfter(startAfter)
            .build();
    Iterator<S3Object> objects;
    try {
      objects = client.listObjectsV2Paginator(request).contents().iterator();
    } catch (SdkException e) {
      throw new IOException("listing " + root + " failed: " + e.getMessage(), e);
    }
    Iterator<S3Object> failingAsUnchecked =
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            try {
              return objects.hasNext();
            } catch (SdkException e) {
              throw new UncheckedIOException(
                  new IOException("listing " + root + " failed: " + e.getMessage(), e));
            }
          }

          @Override
          public S3Object next() {
            return objects.next();
          }
        };
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                failingAsUnchecked, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .filter(object -> object.key().length() > base.length())
        .map(
            object ->
                new BlobEntry(
                    object.key().substring(base.length()),
                    object.size(),
                    object.eTag(),
                    object.lastModified(),
                    null));
  }

  @Override
  public boolean delete(String key, Precondition precondition) throws IOException {
    S3Location location = locate(key);
    Optional<Blob> current;
    boolean replacing = false;
    try {
      current = headSettled(location);
    } catch (BlobChangedException e) {
      if (precondition != Precondition.NONE) {
        throw e;
      }
      current = Optional.empty(); // whichever version lands, an unconditional delete removes it
      replacing = true;
    }
    if (!precondition.holdsFor(current)) {
      throw new PreconditionFailedException(key);
    }
    if (current.isEmpty() && !replacing) {
      return false;
    }
    try {
      client.deleteObject(b -> b.bucket(location.bucket()).key(location.key()));
      return true;
    } catch (SdkException e) {
      throw new IOException("deleting " + location + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * HEADs {@code location}, again (a few times) while the object is caught mid-replacement, which
   * only lasts as long as the replacing request.
   */
  private Optional<Blob> headSettled(S3Location location) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return S3Blob.head(client, location);
      } catch (BlobChangedException e) {
        if (attempt == HEADS_WHILE_REPLACED) {
          throw e;
        }
      }
    }
  }

  /** Ready when the bucket answers {@code HeadBucket}: it exists and the credentials may use it. */
  @Override
  public void checkReady() throws IOException {
    try {
      client.headBucket(b -> b.bucket(root.bucket()));
    } catch (software.amazon.awssdk.services.s3.model.NoSuchBucketException e) {
      throw new IOException("the bucket does not exist", e);
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      throw new IOException(
          "HeadBucket answered HTTP "
              + e.statusCode()
              + (e.statusCode() == 404 ? " (no such bucket)" : ""),
          e);
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw new IOException("S3 did not answer HeadBucket: " + Secrets.redact(e.getMessage()), e);
    }
  }

  @Override
  public String describe() {
    return Secrets.redact(root.toString());
  }

  @Override
  public void close() {
    if (closeClient) {
      client.close();
    }
  }

  /**
   * Resumable uploads into this store's bucket and prefix (see {@link S3UploadStore}), sharing its
   * client; they keep their state under the prefix's {@code .sluice-uploads/}, a key this store
   * refuses.
   */
  public S3UploadStore uploads(java.time.Clock clock) {
    return new S3UploadStore(client, root, clock, S3UploadStore.MIN_PART_SIZE);
  }

  private S3Location locate(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
    if (key.startsWith(".sluice-uploads/")) {
      throw new IllegalArgumentException(
          "invalid key \"" + key + "\": .sluice-uploads/ holds the store's resumable uploads");
    }
    if (root.key().length() + key.length() > 1024) {
      throw new IllegalArgumentException(
          "key '" + key + "' is too long: S3 keys (with the prefix) are at most 1024 bytes");
    }
    return root.resolve(key);
  }

  @Override
  public String toString() {
    return "s3store(" + root + ")";
  }
}
