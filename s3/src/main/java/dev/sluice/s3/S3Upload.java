package dev.sluice.s3;

import dev.sluice.core.Sink;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.job.MemoryExhaustedException;
import dev.sluice.s3.internal.MultipartWriter;
import dev.sluice.s3.internal.PartMemory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@link Sink} that uploads one S3 object: {@link #open} with the defaults, {@link #builder}
 * for other settings. Parts of {@code partSize} bytes, up to {@code parallel} of them in flight, in
 * at most {@code (parallel + 1) × partSize} bytes of part buffers whatever the object's size
 * (reserved from a {@link MemoryBudget} with {@link Builder#memory}). An object smaller than one
 * part goes as a single PUT.
 *
 * {@snippet :
 * Sink sink = S3Upload.builder(s3, S3Location.parseObject("s3://bucket/big.bin"))
 *     .partSize(16 << 20)
 *     .parallel(4)
 *     .build();
 * Ingestion.from(Sources.file(Path.of("big.bin"))).to(sink).run();
 * }
 *
 * <p>The sink's receipt has {@code bucket}, {@code key}, {@code etag}, {@code version} (when the
 * bucket is versioned), {@code bytes} and {@code parts}. By default it also hashes what it uploads
 * with SHA-256, stores the hex digest in the object's user metadata as {@code sha256} and reports
 * it in the receipt. S3 fixes user metadata when an upload starts, so unless the digest is known in
 * advance ({@link Builder#expectedSha256}) a multipart upload sets it afterwards with a server-side
 * copy of the object onto itself — one CopyObject up to 5 GiB, a multipart copy above. {@link
 * Builder#sha256Metadata sha256Metadata(false)} skips the hash and the copy; S3's own CRC-32C (or
 * SHA-256) checksums still cover every part and the whole object.
 *
 * <p>Every failure (a part, the source, a cancel) aborts the multipart upload exactly once, after
 * the parts in flight have settled; a failing abort is retried, then attached to the root cause as
 * suppressed.
 */
public final class S3Upload {

  /** The default part size: 8 MiB. */
  public static final int DEFAULT_PART_SIZE = 8 << 20;

  /** The smallest part size S3 accepts (except for the last part): 5 MiB. */
  public static final int MIN_PART_SIZE = 5 << 20;

  /** The largest part size this sink buffers: 512 MiB (S3 allows 5 GiB). */
  public static final int MAX_PART_SIZE = 512 << 20;

  /** The most parts S3 allows in one upload. */
  public static final int MAX_PARTS = 10_000;

  /** The default number of parts uploaded at once. */
  public static final int DEFAULT_PARALLEL = 4;

  private S3Upload() {}

  /** The sink uploading to {@code location} through {@code client} with the default settings. */
  public static Sink open(S3Client client, S3Location location) {
    return builder(client, location).build();
  }

  /** Starts configuring an upload to {@code location} through {@code client}. */
  public static Builder builder(S3Client client, S3Location location) {
    return new Builder(client, location);
  }

  static void checkPartSize(long bytes) {
    if (bytes < MIN_PART_SIZE || bytes > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "part size must be between 5 MiB and 512 MiB ("
              + MIN_PART_SIZE
              + ".."
              + MAX_PART_SIZE
              + " bytes): "
              + bytes);
    }
  }

  static void checkParallel(int parts) {
    if (parts < 1 || parts > 64) {
      throw new IllegalArgumentException("parallel must be 1..64: " + parts);
    }
  }

  static int effectivePartSize(int partSize, long expectedSize) {
    if (expectedSize <= (long) partSize * MAX_PARTS) {
      return partSize;
    }
    long needed = (expectedSize + MAX_PARTS - 1) / MAX_PARTS;
    long mib = 1 << 20;
    long rounded = (needed + mib - 1) / mib * mib;
    if (rounded > MAX_PART_SIZE) {
      throw new IllegalArgumentException(
          "an object of "
              + expectedSize
              + " bytes needs parts over 512 MiB to fit in 10,000 parts; it is too large for this"
              + " sink");
    }
    return (int) rounded;
  }

  /** The settings of one upload; {@link #build} makes its sink. Not thread-safe. */
  public static final class Builder {

    private final S3Client client;
    private final S3Location location;
    private int partSize = DEFAULT_PART_SIZE;
    private int parallel = DEFAULT_PARALLEL;
    private long expectedSize = -1;
    private S3Checksum checksum = S3Checksum.CRC32C;
    private String contentType = "application/octet-stream";
    private String expectedSha256;
    private boolean overwrite = true;
    private boolean sha256Metadata = true;
    private long maxSingleCopy = MultipartWriter.MAX_SINGLE_COPY;
    private MemoryBudget memory;
    private Duration memoryWait = Duration.ZERO;

    private Builder(S3Client client, S3Location location) {
      if (client == null) {
        throw new NullPointerException("client == null");
      }
      if (location.key().isEmpty()) {
        throw new IllegalArgumentException("an upload needs a key: " + location);
      }
      this.client = client;
      this.location = location;
    }

    /** Sets the part size (default 8 MiB, at least 5 MiB, at most 512 MiB). */
    public Builder partSize(long bytes) {
      checkPartSize(bytes);
      this.partSize = (int) bytes;
      return this;
    }

    /** Sets how many parts upload at once (default 4). */
    public Builder parallel(int parts) {
      checkParallel(parts);
      this.parallel = parts;
      return this;
    }

    /**
     * Announces the object's size, if known, so the part size grows to fit the object in {@value
     * #MAX_PARTS} parts. Without it an upload fails once it would need more parts.
     */
    public Builder expectedSize(long bytes) {
      if (bytes < -1) {
        throw new IllegalArgumentException(
            "expectedSize must be >= 0, or -1 for unknown: " + bytes);
      }
      this.expectedSize = bytes;
      return this;
    }

    /** Chooses the additional checksum S3 verifies (default {@link S3Checksum#CRC32C}). */
    public Builder checksum(S3Checksum checksum) {
      if (checksum == null) {
        throw new NullPointerException("checksum == null");
      }
      this.checksum = checksum;
      return this;
    }

    /** Sets the stored media type (default {@code application/octet-stream}). */
    public Builder contentType(String contentType) {
      this.contentType = contentType == null ? "application/octet-stream" : contentType;
      return this;
    }

    /**
     * The hex SHA-256 the content must have: a mismatch aborts the upload with {@link
     * dev.sluice.core.DigestMismatchException} before anything becomes visible. A known digest also
     * goes into the metadata up front, sparing the copy.
     */
    public Builder expectedSha256(String hex) {
      if (hex != null && (hex.length() != 64 || !hex.chars().allMatch(HexFormat::isHexDigit))) {
        throw new IllegalArgumentException("expected SHA-256 must be 64 hex digits: " + hex);
      }
      this.expectedSha256 = hex == null ? null : hex.toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * Whether an existing object may be replaced (default true). When false the commit is
     * conditional ({@code If-None-Match: *}) and fails with {@link
     * java.nio.file.FileAlreadyExistsException} if the key exists.
     */
    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    /**
     * Whether to hash the object with SHA-256 and store the digest in its metadata when it was not
     * known in advance ({@link Builder#expectedSha256}), at the cost of a server-side copy after a
     * multipart upload (default true). With false, an expected digest is still checked and stored.
     */
    public Builder sha256Metadata(boolean store) {
      this.sha256Metadata = store;
      return this;
    }

    /**
     * Takes the part buffers from {@code memory} (a server's budget) instead of allocating them
     * beside it (the default, {@code null}): the first waits up to {@code wait} for room and the
     * sink's first write fails with {@link MemoryExhaustedException} without it; more, up to {@code
     * parallel + 1}, are taken only while the budget has room at once, else the upload waits for
     * its own to come back. Every buffer goes back when the sink commits or aborts.
     */
    public Builder memory(MemoryBudget memory, Duration wait) {
      this.memoryWait = PartMemory.requireWait(wait); // first: a refused wait changes nothing
      this.memory = memory;
      return this;
    }

    /**
     * Lowers the size above which the metadata copy goes in parts (S3's limit: 5 GiB); for tests.
     */
    Builder maxSingleCopy(long bytes) {
      this.maxSingleCopy = bytes;
      return this;
    }

    /** The part size this upload will use: the configured one, grown to fit the expected size. */
    public int effectivePartSize() {
      return S3Upload.effectivePartSize(partSize, expectedSize);
    }

    /** Makes the sink. Nothing is sent to S3 until the first part is full or the sink commits. */
    public Sink build() {
      return MultipartWriter.sink(plan());
    }

    /**
     * Makes the sink holding its first part buffer already (see {@link #memory}): a store refuses
     * an upload it has no memory for before a byte of it is read. The sink must be ended.
     */
    Sink buildHoldingFirstPart() throws java.io.IOException {
      return MultipartWriter.sinkHoldingFirstPart(plan());
    }

    private MultipartWriter.Plan plan() {
      return new MultipartWriter.Plan(
          client,
          location,
          effectivePartSize(),
          parallel,
          checksum,
          contentType,
          expectedSha256,
          overwrite,
          sha256Metadata,
          maxSingleCopy,
          memory,
          memoryWait);
    }
  }
}
