package dev.sluice.redis;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.records.CsvFormat;
import dev.sluice.records.RecordLimits;
import dev.sluice.records.Records;
import dev.sluice.redis.internal.SniffingSink;
import dev.sluice.redis.internal.StreamStager;
import dev.sluice.redis.internal.UploadIds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Parses CSV (with a header row) or NDJSON and adds one Redis Stream entry per record: the CSV
 * columns, or the JSON object's top-level fields (nested values as JSON text, {@code null}s left
 * out), become the entry's fields.
 *
 * {@snippet :
 * try (RedisClient redis = RedisClient.create("redis://127.0.0.1:6379/0")) {
 *   Ingestion.from(Sources.file(Path.of("events.ndjson")))
 *       .to(RedisStreamSink.builder(redis, "events").maxLen(1_000_000).build())
 *       .run();
 * }
 * }
 *
 * <p>A stream cannot be rolled back, so entries are staged: {@code XADD}s (pipelined, waiting for
 * replies every {@link Builder#pipelineDepth} entries) go to a staging stream {@code
 * STREAM:sluice-staging:UPLOAD} that has a TTL. On commit, if {@code STREAM} does not exist the
 * staging stream is renamed onto it — atomic, all entries appear at once; if it exists, the staged
 * entries are appended in atomic batches of 1,000 with new ids, and consumers may see the batches
 * arrive (a commit that fails part-way says how many entries it appended). An abort — a malformed
 * record at line N, a failing source, a cancel — unlinks the staging stream: no key is left, and
 * the error names line N.
 */
public final class RedisStreamSink implements Sink {

  /** The record format of the input. */
  public enum Format {
    CSV,
    NDJSON;

    /** Parses {@code csv} or {@code ndjson}, in any case. */
    public static Format parse(String text) {
      return switch (text.toLowerCase(Locale.ROOT)) {
        case "csv" -> CSV;
        case "ndjson", "jsonl" -> NDJSON;
        default -> throw new IllegalArgumentException("format must be csv or ndjson: " + text);
      };
    }
  }

  /** Default entries sent before waiting for their replies: 1,000. */
  public static final int DEFAULT_PIPELINE_DEPTH = 1000;

  private final Sink parser;
  private final StreamStager stager;

  private RedisStreamSink(Builder builder) {
    this.stager =
        new StreamStager(
            builder.redis,
            builder.stream,
            UploadIds.next(),
            builder.maxLen,
            builder.pipelineDepth,
            builder.stagingTtl);
    this.parser =
        builder.format == null
            ? new SniffingSink(ndjson -> parser(ndjson, builder))
            : parser(builder.format == Format.NDJSON, builder);
  }

  private Sink parser(boolean ndjson, Builder builder) {
    return ndjson
        ? Records.ndjson(builder.limits, stager)
        : Records.csv(builder.csvFormat, builder.limits, stager);
  }

  /**
   * A sink adding the records of CSV or NDJSON input (told apart by its first byte) to the stream
   * {@code stream}, with the default settings.
   */
  public static RedisStreamSink open(UnifiedJedis redis, String stream) throws IOException {
    return builder(redis, stream).build();
  }

  /** Starts configuring a sink adding to the stream {@code stream}. */
  public static Builder builder(UnifiedJedis redis, String stream) {
    return new Builder(redis, stream);
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    parser.write(chunk);
  }

  /**
   * Makes the staged entries visible; the receipt's details are {@code records}, {@code stream} and
   * {@code outcome} ({@code created}, {@code appended} or {@code unchanged} for no records).
   */
  @Override
  public Receipt commit() throws IOException {
    return parser.commit();
  }

  @Override
  public void abort(Throwable cause) {
    parser.abort(cause);
  }

  /** The staging stream's key, e.g. to watch a long ingest. */
  public String stagingKey() {
    return stager.staging();
  }

  @Override
  public String toString() {
    return parser.toString();
  }

  /** Configures a {@link RedisStreamSink}. */
  public static final class Builder {
    private final UnifiedJedis redis;
    private final String stream;
    private Format format;
    private CsvFormat csvFormat = CsvFormat.rfc4180();
    private RecordLimits limits = RecordLimits.defaults();
    private long maxLen;
    private int pipelineDepth = DEFAULT_PIPELINE_DEPTH;
    private Duration stagingTtl = RedisBlobStore.DEFAULT_STAGING_TTL;

    private Builder(UnifiedJedis redis, String stream) {
      if (redis == null) {
        throw new NullPointerException("redis == null");
      }
      if (stream == null || stream.isEmpty()) {
        throw new IllegalArgumentException("stream must not be empty: " + stream);
      }
      this.redis = redis;
      this.stream = stream;
    }

    /**
     * The input's format; when not set, NDJSON if the first non-blank byte is <code>{</code>, else
     * CSV.
     */
    public Builder format(Format format) {
      this.format = format;
      return this;
    }

    /** The CSV dialect (default RFC 4180, comma-separated). */
    public Builder csvFormat(CsvFormat csvFormat) {
      this.csvFormat = csvFormat;
      return this;
    }

    /** Field, record and column maxima (default {@link RecordLimits#defaults()}). */
    public Builder limits(RecordLimits limits) {
      this.limits = limits;
      return this;
    }

    /** Trims the stream to about {@code entries} ({@code MAXLEN ~}); 0 (the default) keeps all. */
    public Builder maxLen(long entries) {
      if (entries < 0) {
        throw new IllegalArgumentException("maxLen must be >= 0: " + entries);
      }
      this.maxLen = entries;
      return this;
    }

    /** Entries sent before waiting for their replies (default 1,000): bounds memory in flight. */
    public Builder pipelineDepth(int entries) {
      if (entries <= 0) {
        throw new IllegalArgumentException("pipelineDepth must be > 0: " + entries);
      }
      this.pipelineDepth = entries;
      return this;
    }

    /** How long the staging stream lives if nobody commits or aborts it (default 24 h). */
    public Builder stagingTtl(Duration ttl) {
      if (ttl == null || ttl.toMillis() <= 0) {
        throw new IllegalArgumentException("stagingTtl must be >= 1ms: " + ttl);
      }
      this.stagingTtl = ttl;
      return this;
    }

    /**
     * Builds the sink, checking first that the stream, if it exists, is a stream.
     *
     * @throws IOException if the key holds another type, or Redis cannot be reached
     */
    public RedisStreamSink build() throws IOException {
      String type;
      try {
        type = redis.type(stream);
      } catch (JedisException e) {
        throw new IOException("redis failed while checking " + stream + ": " + e.getMessage(), e);
      }
      if (!"none".equals(type) && !"stream".equals(type)) {
        throw new IOException(
            "cannot add records to " + stream + ": the key exists and holds a " + type);
      }
      return new RedisStreamSink(this);
    }
  }
}
