package dev.sluice.redis.internal;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Secrets;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;

/**
 * A parsed {@code redis://[user:password@]host[:port][/db[/key…]][?prefix=P&chunk-size=SIZE]}
 * location ({@code rediss://} for TLS). The path's first segment is the database number (default
 * 0); the rest, percent-decoded, is a blob key (empty when absent).
 *
 * @param tls whether the scheme is {@code rediss}
 * @param key the blob key after the database, or "" if none
 * @param prefix the {@code prefix} parameter, or {@code sluice}
 * @param chunkSize the {@code chunk-size} parameter in bytes, or 0 when not given
 */
public record RedisLocation(
    boolean tls,
    String host,
    int port,
    int database,
    String user,
    String password,
    String key,
    String prefix,
    int chunkSize) {

  private static final Set<String> PARAMETERS = Set.of("prefix", "chunk-size");

  /** True for {@code redis://} and {@code rediss://} locations. */
  public static boolean matches(String location) {
    return location.startsWith("redis://") || location.startsWith("rediss://");
  }

  /**
   * Parses {@code location}.
   *
   * @throws IllegalArgumentException naming the location and what is wrong with it
   */
  public static RedisLocation parse(String location) {
    if (!matches(location)) {
      throw invalid(location, "it must start with redis:// or rediss://");
    }
    URI uri;
    try {
      uri = new URI(location);
    } catch (URISyntaxException e) {
      throw invalid(location, e.getMessage());
    }
    if (uri.getHost() == null) {
      throw invalid(location, "it names no host");
    }
    int port = uri.getPort() == -1 ? 6379 : uri.getPort();
    String user = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      if (parts.length == 2) {
        user = parts[0].isEmpty() ? null : decode(parts[0]);
        password = decode(parts[1]);
      } else {
        password = decode(parts[0]);
      }
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    int slash = path.indexOf('/');
    String db = slash < 0 ? path : path.substring(0, slash);
    String key = slash < 0 ? "" : decode(path.substring(slash + 1));
    int database = 0;
    if (!db.isEmpty()) {
      if (!db.chars().allMatch(c -> c >= '0' && c <= '9') || db.length() > 5) {
        throw invalid(location, "the database must be a number, not " + db);
      }
      database = Integer.parseInt(db);
    }
    Map<String, String> query = query(location, uri.getRawQuery());
    String prefix = query.getOrDefault("prefix", "sluice");
    if (prefix.isEmpty()) {
      throw invalid(location, "prefix must not be empty");
    }
    int chunkSize = 0;
    if (query.containsKey("chunk-size")) {
      long bytes;
      try {
        bytes = ByteSize.parse(query.get("chunk-size"));
      } catch (IllegalArgumentException e) {
        throw invalid(location, e.getMessage());
      }
      if (bytes <= 0 || bytes > 512L * 1024 * 1024) {
        throw invalid(location, "chunk-size must be 1..512MiB: " + query.get("chunk-size"));
      }
      chunkSize = (int) bytes;
    }
    return new RedisLocation(
        "rediss".equals(uri.getScheme()),
        uri.getHost(),
        port,
        database,
        user,
        password,
        key,
        prefix,
        chunkSize);
  }

  private static Map<String, String> query(String location, String rawQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (!PARAMETERS.contains(name)) {
        throw invalid(location, "unknown parameter " + name + " (known: prefix, chunk-size)");
      }
      query.put(name, value);
    }
    return query;
  }

  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException invalid(String location, String why) {
    return new IllegalArgumentException("invalid Redis location " + redact(location) + ": " + why);
  }

  /** {@code location} with its credentials masked ({@link Secrets#redact}), for messages. */
  public static String redact(String location) {
    return Secrets.redact(location);
  }

  /** Opens a pooled client for this location's server and database. */
  public RedisClient connect() {
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().database(database);
    if (tls) {
      config.sslOptions(SslOptions.defaults());
    }
    if (user != null) {
      config.user(user);
    }
    if (password != null) {
      config.password(password);
    }
    return RedisClient.builder().hostAndPort(host, port).clientConfig(config.build()).build();
  }

  /** The server and database, without credentials, e.g. {@code redis://127.0.0.1:6379/0}. */
  public String server() {
    return (tls ? "rediss://" : "redis://") + host + ":" + port + "/" + database;
  }
}
