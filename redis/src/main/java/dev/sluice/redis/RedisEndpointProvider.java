package dev.sluice.redis;

import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.endpoint.EndpointProvider;
import dev.sluice.redis.internal.BlobSource;
import dev.sluice.redis.internal.ClosingSink;
import dev.sluice.redis.internal.RedisLocation;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Opens {@code redis://} (and {@code rediss://}, TLS) locations for the command line and the
 * server.
 *
 * <p>The forms, with {@code [user:password@]} allowed before the host and the port defaulting to
 * 6379, the database to 0:
 *
 * <ul>
 *   <li>{@code redis://host:port/db} with option {@code stream=NAME} — a sink appending records to
 *       the Redis Stream {@code NAME} ({@link RedisStreamSink}); options {@code maxlen=N} (trim
 *       with {@code MAXLEN ~ N}) and {@code format=csv|ndjson} (default: NDJSON if the input starts
 *       with <code>{</code>, else CSV with a header row).
 *   <li>{@code redis://host:port/db/KEY} — a chunked blob ({@link RedisBlobStore}): a sink storing
 *       {@code KEY} (replacing it if it exists; option {@code content-type}), or a source reading
 *       it. {@code KEY} is the rest of the path, percent-decoded, and may hold slashes.
 *   <li>{@code redis://host:port/db} as a store ({@code sluice serve --store}): every blob of the
 *       server.
 * </ul>
 *
 * <p>Blob locations take the query parameters {@code prefix} (default {@code sluice}: keys are
 * {@code PREFIX:blob:KEY} and {@code PREFIX:chunk:KEY:…}) and {@code chunk-size} (default 1MiB),
 * e.g. {@code redis://127.0.0.1:6379/0/videos/a.mp4?prefix=media&chunk-size=256KiB}.
 */
public final class RedisEndpointProvider implements EndpointProvider {

  /** The provider {@link java.util.ServiceLoader} makes. */
  public RedisEndpointProvider() {}

  @Override
  public boolean handles(String location) {
    return RedisLocation.matches(location);
  }

  @Override
  public Sink openSink(String location, Map<String, String> options) throws IOException {
    RedisLocation at = RedisLocation.parse(location);
    String stream = options.get("stream");
    if (stream != null) {
      return streamSink(at, location, stream, options);
    }
    if (options.containsKey("maxlen")) {
      throw new IllegalArgumentException(
          "option maxlen applies to a stream: give stream=NAME (--stream) with it");
    }
    if (at.key().isEmpty()) {
      throw new IllegalArgumentException(
          "cannot write to "
              + RedisLocation.redact(location)
              + ": give a stream (--stream NAME) for records, or a blob key in the path, e.g. "
              + at.server()
              + "/KEY");
    }
    RedisBlobStore store = store(at);
    try {
      return new ClosingSink(
          store.create(
              at.key(),
              new BlobSpec(
                  options.get("content-type"), Boolean.parseBoolean(options.get(OVERWRITE)), null)),
          store);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  private static Sink streamSink(
      RedisLocation at, String location, String stream, Map<String, String> options)
      throws IOException {
    if (!at.key().isEmpty()) {
      throw new IllegalArgumentException(
          "give either a stream (--stream "
              + stream
              + ") or a blob key in the path, not both: "
              + RedisLocation.redact(location));
    }
    RedisStreamSink.Builder builder;
    RedisClient client = connect(at);
    try {
      builder = RedisStreamSink.builder(client, stream);
      if (options.get("format") != null) {
        builder.format(RedisStreamSink.Format.parse(options.get("format")));
      }
      if (options.get("maxlen") != null) {
        builder.maxLen(parseMaxLen(options.get("maxlen")));
      }
      return new ClosingSink(builder.build(), client);
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private static long parseMaxLen(String text) {
    try {
      long maxLen = Long.parseLong(text);
      if (maxLen > 0) {
        return maxLen;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("maxlen must be a whole number > 0: " + text);
  }

  @Override
  public String forms() {
    return "redis://HOST:PORT/DB --stream NAME (records), redis://HOST:PORT/DB/KEY (blob)";
  }

  @Override
  public Source openSource(String location, Map<String, String> options) throws IOException {
    RedisLocation at = RedisLocation.parse(location);
    if (at.key().isEmpty()) {
      throw new IllegalArgumentException(
          "cannot read from "
              + RedisLocation.redact(location)
              + ": give a blob key in the path, e.g. "
              + at.server()
              + "/KEY");
    }
    RedisBlobStore store = store(at);
    try {
      Blob blob =
          store
              .find(at.key())
              .orElseThrow(
                  () ->
                      new NoSuchFileException(
                          RedisLocation.redact(location), null, "no blob under this key"));
      return new BlobSource(blob, store);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
  }

  @Override
  public String storeForms() {
    return "redis://HOST:PORT/DB[?prefix=P]";
  }

  @Override
  public BlobStore openStore(String location, Map<String, String> options) throws IOException {
    RedisLocation at = RedisLocation.parse(location);
    if (!at.key().isEmpty()) {
      throw new IllegalArgumentException(
          "a store location names a database, not a key: "
              + RedisLocation.redact(location)
              + " (use "
              + at.server()
              + ")");
    }
    return store(at);
  }

  private static RedisBlobStore store(RedisLocation at) throws IOException {
    RedisClient client = connect(at);
    RedisBlobStore.Builder builder =
        RedisBlobStore.builder(client)
            .prefix(at.prefix())
            .ownsClient(true)
            .description(at.server() + "?prefix=" + at.prefix());
    if (at.chunkSize() > 0) {
      builder.chunkSize(at.chunkSize());
    }
    return builder.build();
  }

  /** A client for {@code at}, checked with a PING so an unreachable server fails here. */
  static RedisClient connect(RedisLocation at) throws IOException {
    RedisClient client = at.connect();
    try {
      client.ping();
      return client;
    } catch (JedisException e) {
      client.close();
      throw new IOException("cannot reach Redis at " + at.server() + ": " + e.getMessage(), e);
    }
  }
}
