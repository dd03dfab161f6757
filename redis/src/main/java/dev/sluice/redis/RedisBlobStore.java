package dev.sluice.redis;

import dev.sluice.core.Secrets;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobEntry;
import dev.sluice.core.blob.BlobSink;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.blob.Precondition;
import dev.sluice.core.blob.PreconditionFailedException;
import dev.sluice.redis.internal.BlobCommands;
import dev.sluice.redis.internal.BlobKeys;
import dev.sluice.redis.internal.ChunkedBlobWriter;
import dev.sluice.redis.internal.IndexListing;
import dev.sluice.redis.internal.Manifest;
import dev.sluice.redis.internal.RedisBlob;
import dev.sluice.redis.internal.UploadIds;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Blobs kept in Redis as fixed-size chunk keys plus a manifest hash that is written last.
 *
 * <p>Blob {@code KEY} under prefix {@code P} is the hash {@code P:blob:KEY} (size, chunkSize,
 * chunks, sha256, contentType, etag, lastModified, uploadId) and the strings {@code
 * P:chunk:KEY:UPLOAD:0}, {@code …:1}, …, every one {@code chunkSize} bytes but the last. A sink
 * from {@link #create} writes its chunks with a staging TTL (invisible: no manifest names them),
 * then one Lua script checks them, drops their TTL, swaps in the new manifest and gives the old
 * version's chunks a TTL of {@code retiredGrace} (10 minutes by default) — so readers see the old
 * version or the new one, a reader that started on the old version reads it whole, and an abort (or
 * a crash) leaves no key behind. A {@link Precondition} is tested against the manifest and the
 * script swaps only if the manifest still names the version it was tested on (compare and swap,
 * retried when another commit got in between). Ranged reads fetch only the chunk bytes the range
 * touches ({@code GETRANGE}).
 *
 * {@snippet :
 * try (RedisClient redis = RedisClient.create("redis://127.0.0.1:6379/0");
 *     RedisBlobStore store = RedisBlobStore.builder(redis).prefix("media").build()) {
 *   Ingestion.from(Sources.file(Path.of("video.mp4")))
 *       .to(store.create("video.mp4", new BlobSpec("video/mp4", true, null)))
 *       .run();
 *   Blob blob = store.find("video.mp4").orElseThrow();
 *   ReadableByteChannel tail = blob.open(blob.size() - 1024, 1024);
 * }
 * }
 *
 * <p>The sorted set {@code P:index} holds the key of every visible blob, added and removed by the
 * same scripts that publish and delete manifests, so {@link #list} sees exactly the committed blobs
 * (blobs committed by a version without the index are listed once written again).
 *
 * <p>Left out: Redis Cluster (the scripts derive chunk key names instead of declaring them). A
 * reader still streaming a version {@code retiredGrace} after it was replaced or deleted fails with
 * an {@link IOException} naming the blob rather than returning mixed content.
 */
public final class RedisBlobStore implements BlobStore {

  /** Default bytes per chunk key: 1 MiB. */
  public static final int DEFAULT_CHUNK_SIZE = 1024 * 1024;

  /** Default prefix of every key the store writes. */
  public static final String DEFAULT_PREFIX = "sluice";

  /** Default lifetime of an uncommitted upload's chunks: 24 hours. */
  public static final Duration DEFAULT_STAGING_TTL = Duration.ofHours(24);

  /** Default time a replaced or deleted version stays readable: 10 minutes. */
  public static final Duration DEFAULT_RETIRED_GRACE = Duration.ofMinutes(10);

  private final UnifiedJedis redis;
  private final BlobKeys keys;
  private final int chunkSize;
  private final Duration stagingTtl;
  private final Duration retiredGrace;
  private final boolean ownsClient;
  private final String description;

  private RedisBlobStore(Builder builder) {
    this.retiredGrace = builder.retiredGrace;
    this.redis = builder.redis;
    this.keys = new BlobKeys(builder.prefix);
    this.chunkSize = builder.chunkSize;
    this.stagingTtl = builder.stagingTtl;
    this.ownsClient = builder.ownsClient;
    this.description =
        builder.description != null ? builder.description : "redis(prefix " + builder.prefix + ")";
  }

  /** A store on {@code redis} (a {@code RedisClient}, say) with the default settings. */
  public static RedisBlobStore open(UnifiedJedis redis) {
    return builder(redis).build();
  }

  /**
   * Resumable uploads into this store (see {@link RedisUploadStore}): their bytes are this store's
   * chunks, their state a hash under the same prefix.
   */
  public RedisUploadStore uploads(java.time.Clock clock) {
    return new RedisUploadStore(redis, keys, keys.prefix(), chunkSize, retiredGrace, clock);
  }

  /** Starts configuring a store on {@code redis} (a {@code RedisClient}, say). */
  public static Builder builder(UnifiedJedis redis) {
    return new Builder(redis);
  }

  /**
   * A sink storing a new version of {@code key}, visible once committed; its receipt carries {@code
   * sha256}, {@code bytes}, {@code etag} and {@code chunks}.
   *
   * @throws FileAlreadyExistsException if a blob exists and {@code spec} does not allow replacing
   *     it (checked again, atomically, on commit)
   */
  @Override
  public Sink create(String key, BlobSpec spec) throws IOException {
    requireKey(key);
    if (!spec.overwrite() && exists(key)) {
      throw new FileAlreadyExistsException(
          keys.manifest(key), null, "a blob exists under this key and may not be replaced");
    }
    if (spec.precondition() != Precondition.NONE
        && !spec.precondition().holdsFor(find(key))) { // early; the commit tests it again
      throw new PreconditionFailedException(key);
    }
    return BlobSink.of(
        new ChunkedBlobWriter(
            redis, keys, key, spec, chunkSize, stagingTtl, retiredGrace, UploadIds.next()),
        spec.expectedSha256());
  }

  @Override
  public Optional<Blob> find(String key) throws IOException {
    requireKey(key);
    Map<String, String> hash;
    try {
      hash = redis.hgetAll(keys.manifest(key));
    } catch (JedisException e) {
      throw new IOException("redis failed while looking up " + keys.manifest(key), e);
    }
    if (hash.isEmpty()) {
      return Optional.empty();
    }
    Manifest manifest = Manifest.fromHash(keys.manifest(key), hash);
    return Optional.of(new RedisBlob(redis, keys, key, manifest));
  }

  @Override
  public boolean delete(String key, Precondition precondition) throws IOException {
    requireKey(key);
    try {
      while (true) {
        String expected = ChunkedBlobWriter.versionHolding(redis, keys, key, precondition);
        try {
          return BlobCommands.delete(redis, keys, key, expected, retiredGrace.toMillis());
        } catch (BlobCommands.Changed e) {
          // another version was committed since the precondition was tested: test it again
        }
      }
    } catch (JedisException e) {
      throw new IOException("redis failed while deleting " + keys.manifest(key), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@code ZRANGEBYLEX} over the key index in batches, each key described from its manifest.
   */
  @Override
  public Stream<BlobEntry> list(String prefix, String after) {
    IndexListing listing =
        new IndexListing(redis, keys, prefix == null ? "" : prefix, after == null ? "" : after);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(listing, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  private boolean exists(String key) throws IOException {
    try {
      return redis.exists(keys.manifest(key));
    } catch (JedisException e) {
      throw new IOException("redis failed while looking up " + keys.manifest(key), e);
    }
  }

  private static void requireKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("blob key must not be empty: " + key);
    }
  }

  /** Ready when Redis answers {@code PING}. */
  @Override
  public void checkReady() throws IOException {
    try {
      redis.ping();
    } catch (RuntimeException e) {
      throw new IOException("Redis did not answer PING: " + Secrets.redact(e.getMessage()), e);
    }
  }

  @Override
  public String describe() {
    return Secrets.redact(description);
  }

  /** Closes the client if the store was built to own it. */
  @Override
  public void close() {
    if (ownsClient) {
      redis.close();
    }
  }

  @Override
  public String toString() {
    return describe();
  }

  /** Configures a {@link RedisBlobStore}. */
  public static final class Builder {
    private final UnifiedJedis redis;
    private String prefix = DEFAULT_PREFIX;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private Duration stagingTtl = DEFAULT_STAGING_TTL;
    private Duration retiredGrace = DEFAULT_RETIRED_GRACE;
    private boolean ownsClient;
    private String description;

    private Builder(UnifiedJedis redis) {
      if (redis == null) {
        throw new NullPointerException("redis == null");
      }
      this.redis = redis;
    }

    /** What every key starts with, before {@code :blob:} or {@code :chunk:} (default sluice). */
    public Builder prefix(String prefix) {
      if (prefix == null || prefix.isEmpty()) {
        throw new IllegalArgumentException("prefix must not be empty: " + prefix);
      }
      this.prefix = prefix;
      return this;
    }

    /** Bytes per chunk key of new blobs (default 1 MiB); existing blobs keep theirs. */
    public Builder chunkSize(int bytes) {
      if (bytes <= 0 || bytes > 512 * 1024 * 1024) {
        throw new IllegalArgumentException("chunkSize must be 1..512MiB: " + bytes);
      }
      this.chunkSize = bytes;
      return this;
    }

    /** How long an uncommitted upload's chunks live if nobody commits or aborts it (24 h). */
    public Builder stagingTtl(Duration ttl) {
      if (ttl == null || ttl.toMillis() <= 0) {
        throw new IllegalArgumentException("stagingTtl must be >= 1ms: " + ttl);
      }
      this.stagingTtl = ttl;
      return this;
    }

    /**
     * How long a replaced or deleted version's chunks stay readable (default 10 minutes), so its
     * readers finish it whole; zero unlinks them at once.
     */
    public Builder retiredGrace(Duration grace) {
      if (grace == null || grace.isNegative()) {
        throw new IllegalArgumentException("retiredGrace must be >= 0: " + grace);
      }
      this.retiredGrace = grace;
      return this;
    }

    /** Whether {@link RedisBlobStore#close()} closes the client (default false). */
    public Builder ownsClient(boolean owns) {
      this.ownsClient = owns;
      return this;
    }

    /** What {@link RedisBlobStore#describe()} says, e.g. the location it was opened from. */
    public Builder description(String description) {
      this.description = description;
      return this;
    }

    public RedisBlobStore build() {
      return new RedisBlobStore(this);
    }
  }
}
