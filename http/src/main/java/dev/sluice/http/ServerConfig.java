package dev.sluice.http;

import dev.sluice.core.ByteSize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How a {@link SluiceServer} listens, stores, authenticates and limits. Built with {@link
 * #builder()}; every field has a default that runs with nothing else installed.
 *
 * {@snippet :
 * ServerConfig config = ServerConfig.builder().port(0).store("./sluice-data").token("s3cret").build();
 * }
 *
 * @param bind the address to listen on (default {@code 127.0.0.1})
 * @param port the TCP port; 0 picks a free one (default 8080)
 * @param store where blobs live: a folder or a location an {@code EndpointProvider} opens as a
 *     store, e.g. {@code s3://bucket/prefix} (default {@code ./sluice-data})
 * @param token the shared secret: bearer token for writes, HMAC key for signed URLs; null for none
 * @param maxBodySize the largest upload accepted, in bytes
 * @param defaultRate bytes/s for a download without {@code ?rate=}; 0 for unthrottled
 * @param maxRate the highest per-download rate a client may ask for; 0 for no cap
 * @param globalRate bytes/s shared by all downloads together; 0 for none
 * @param grace how long in-flight transfers may run after a shutdown starts
 * @param idleTimeout how long a connection may sit without any I/O
 * @param minRequestDataRate bytes/s an upload must sustain, against slow-drip clients; 0 for none
 * @param maxRequestHeaderSize the largest request line plus headers, in bytes
 * @param maxRanges the most ranges one request may ask for before the range header is ignored
 * @param maxThreads the most concurrent requests (virtual threads)
 * @param workers platform threads that run upload pipelines (digests, the store's writes) so they
 *     never hold the carriers every request's virtual thread runs on; 0 runs them inline on the
 *     request's virtual thread (default: the number of available processors)
 * @param memoryBudget bytes of payload buffers all transfers together may hold; 0 for the default,
 *     an eighth of the JVM's direct memory ({@code -XX:MaxDirectMemorySize}), at least 8 MiB
 * @param maxTransfers the most uploads and downloads running at once (default 1024)
 * @param maxOpenFiles the most store files transfers hold open at once; 0 for the default, a
 *     quarter of the process's file-descriptor limit, between 64 and 4096
 * @param admissionWait how long a request waits for a transfer slot, a file slot and its memory
 *     before it is refused with 503 and {@code Retry-After} (default 500 ms)
 * @param maxConnections the most client connections open at once (default 384); past it the server
 *     stops accepting until one closes, and the rest wait in the kernel's accept queue
 * @param logFormat how access log lines are written: {@code TEXT} ({@code name=value} pairs) or
 *     {@code JSON} (one object a line)
 * @param accessLog whether each request gets an access log line (SLF4J logger {@code
 *     dev.sluice.access}, INFO); default on
 * @param tlsCert a PEM file with the server's certificate chain (leaf first); with {@code tlsKey},
 *     the server speaks HTTPS only, HTTP/2 or HTTP/1.1 as ALPN picks; null for cleartext
 * @param tlsKey a PEM file with the certificate's unencrypted PKCS#8 private key ({@code BEGIN
 *     PRIVATE KEY}); null for cleartext
 * @param h2c whether a cleartext server also speaks HTTP/2 (prior knowledge or {@code Upgrade:
 *     h2c}); not with TLS, where ALPN offers HTTP/2 already
 * @param corsOrigins the origins a browser page may call the server from ({@code *} for any); empty
 *     for no CORS headers at all (default)
 * @param uploadExpiry how long a resumable upload (tus or IETF) lives after it is created, complete
 *     or not, before the sweeper deletes it (default 24 hours)
 * @param coord the coordination store that makes this server a node of a cluster: {@code redis://…}
 *     or {@code jdbc:postgresql://…}; null for a server alone (the default)
 * @param nodeId this node's id in the cluster; null generates one (ignored without {@code coord})
 */
public record ServerConfig(
    String bind,
    int port,
    String store,
    String token,
    long maxBodySize,
    long defaultRate,
    long maxRate,
    long globalRate,
    Duration grace,
    Duration idleTimeout,
    long minRequestDataRate,
    int maxRequestHeaderSize,
    int maxRanges,
    int maxThreads,
    int workers,
    long memoryBudget,
    int maxTransfers,
    int maxOpenFiles,
    Duration admissionWait,
    int maxConnections,
    LogFormat logFormat,
    boolean accessLog,
    Path tlsCert,
    Path tlsKey,
    boolean h2c,
    List<String> corsOrigins,
    Duration uploadExpiry,
    String coord,
    String nodeId) {

  public ServerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535: " + port);
    }
    requireNonNegative("maxBodySize", maxBodySize);
    requireNonNegative("defaultRate", defaultRate);
    requireNonNegative("maxRate", maxRate);
    requireNonNegative("globalRate", globalRate);
    requireNonNegative("minRequestDataRate", minRequestDataRate);
    requireNonNegative("workers", workers);
    requireNonNegative("memoryBudget", memoryBudget);
    requireNonNegative("maxOpenFiles", maxOpenFiles);
    if (maxTransfers <= 0) {
      throw new IllegalArgumentException("maxTransfers must be > 0: " + maxTransfers);
    }
    if (maxConnections <= 0) {
      throw new IllegalArgumentException("maxConnections must be > 0: " + maxConnections);
    }
    if (admissionWait == null || admissionWait.isNegative()) {
      throw new IllegalArgumentException("admissionWait must be >= 0: " + admissionWait);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(
          "TLS needs both a certificate and its key: "
              + (tlsCert == null ? "no certificate given" : "no key given"));
    }
    if (h2c && tlsCert != null) {
      throw new IllegalArgumentException(
          "h2c is HTTP/2 in cleartext: over TLS, HTTP/2 is offered by ALPN already");
    }
    if (logFormat == null) {
      logFormat = LogFormat.TEXT;
    }
    corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
    if (token != null && token.isEmpty()) {
      token = null;
    }
    if (uploadExpiry == null || uploadExpiry.isNegative() || uploadExpiry.isZero()) {
      throw new IllegalArgumentException("uploadExpiry must be > 0: " + uploadExpiry);
    }
    if (coord != null && coord.isBlank()) {
      coord = null;
    }
    if (coord != null
        && !coord.startsWith("redis://")
        && !coord.startsWith("rediss://")
        && !coord.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "coord must be redis://, rediss:// or jdbc:postgresql://: "
              + dev.sluice.core.Secrets.redact(coord));
    }
    if (nodeId != null && !nodeId.isBlank() && !nodeId.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException(
          "nodeId must be 1 to 64 letters, digits, '.', '_' or '-': " + nodeId);
    }
  }

  private static void requireNonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0: " + value);
    }
  }

  /** True when the server speaks HTTPS (a certificate and key are configured). */
  public boolean tls() {
    return tlsCert != null;
  }

  /** True when a token is configured and requests must authenticate. */
  public boolean authRequired() {
    return token != null;
  }

  /** The memory budget in bytes: the configured one, or the default derived from the JVM. */
  public long effectiveMemoryBudget() {
    return memoryBudget > 0 ? memoryBudget : dev.sluice.core.job.MemoryBudget.defaultBytes();
  }

  /** The cap on open store files: the configured one, or the default from the fd limit. */
  public int effectiveMaxOpenFiles() {
    if (maxOpenFiles > 0) {
      return maxOpenFiles;
    }
    long limit = 4096;
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      limit = unix.getMaxFileDescriptorCount();
    }
    return (int) Math.max(64, Math.min(4096, limit / 4));
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding the defaults overridden by {@code SLUICE_*} variables of {@code env}: {@code
   * SLUICE_BIND}, {@code SLUICE_PORT}, {@code SLUICE_STORE}, {@code SLUICE_TOKEN}, {@code
   * SLUICE_MAX_BODY}, {@code SLUICE_RATE}, {@code SLUICE_MAX_RATE}, {@code SLUICE_GLOBAL_RATE},
   * {@code SLUICE_GRACE} (seconds), {@code SLUICE_WORKERS}, {@code SLUICE_MEMORY_BUDGET}, {@code
   * SLUICE_MAX_TRANSFERS}, {@code SLUICE_MAX_OPEN_FILES}, {@code SLUICE_MAX_CONNECTIONS}, {@code
   * SLUICE_LOG_FORMAT}, {@code SLUICE_TLS_CERT}, {@code SLUICE_TLS_KEY}, {@code SLUICE_H2C} ({@code
   * true}/{@code false}), {@code SLUICE_CORS_ORIGIN} (comma-separated), {@code SLUICE_COORD},
   * {@code SLUICE_NODE_ID}.
   *
   * @throws IllegalArgumentException naming the variable whose value is malformed
   */
  public static Builder fromEnvironment(Map<String, String> env) {
    Builder b = new Builder();
    ifSet(env, "SLUICE_BIND", b::bind);
    ifSet(env, "SLUICE_PORT", v -> b.port(Integer.parseInt(v.trim())));
    ifSet(env, "SLUICE_STORE", b::store);
    ifSet(env, "SLUICE_TOKEN", b::token);
    ifSet(env, "SLUICE_MAX_BODY", v -> b.maxBodySize(ByteSize.parse(v)));
    ifSet(env, "SLUICE_RATE", v -> b.defaultRate(ByteSize.parseRate(v)));
    ifSet(env, "SLUICE_MAX_RATE", v -> b.maxRate(ByteSize.parseRate(v)));
    ifSet(env, "SLUICE_GLOBAL_RATE", v -> b.globalRate(ByteSize.parseRate(v)));
    ifSet(env, "SLUICE_GRACE", v -> b.grace(parseDuration(v)));
    ifSet(env, "SLUICE_WORKERS", v -> b.workers(Integer.parseInt(v.trim())));
    ifSet(env, "SLUICE_MEMORY_BUDGET", v -> b.memoryBudget(ByteSize.parse(v)));
    ifSet(env, "SLUICE_MAX_TRANSFERS", v -> b.maxTransfers(Integer.parseInt(v.trim())));
    ifSet(env, "SLUICE_MAX_OPEN_FILES", v -> b.maxOpenFiles(Integer.parseInt(v.trim())));
    ifSet(env, "SLUICE_MAX_CONNECTIONS", v -> b.maxConnections(Integer.parseInt(v.trim())));
    ifSet(env, "SLUICE_LOG_FORMAT", v -> b.logFormat(LogFormat.parse(v)));
    ifSet(env, "SLUICE_TLS_CERT", v -> b.tlsCert(Path.of(v.trim())));
    ifSet(env, "SLUICE_TLS_KEY", v -> b.tlsKey(Path.of(v.trim())));
    ifSet(env, "SLUICE_H2C", v -> b.h2c(parseBoolean(v)));
    ifSet(env, "SLUICE_CORS_ORIGIN", v -> b.corsOrigins(origins(v)));
    ifSet(env, "SLUICE_COORD", b::coord);
    ifSet(env, "SLUICE_NODE_ID", b::nodeId);
    ifSet(env, "SLUICE_UPLOAD_EXPIRY", v -> b.uploadExpiry(parseDuration(v)));
    return b;
  }

  private static boolean parseBoolean(String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }

  /** A comma-separated list of origins (or {@code *}), blanks dropped. */
  public static List<String> origins(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::trim)
        .filter(o -> !o.isEmpty())
        .toList();
  }

  private static final java.util.regex.Pattern DURATION =
      java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  /**
   * Parses a duration as the flags and {@code SLUICE_*} variables take it: digits with an optional
   * unit {@code ms}, {@code s} (the default), {@code m}, {@code h} or {@code d}, e.g. {@code 30s}.
   *
   * @throws IllegalArgumentException naming the input and the accepted forms
   */
  public static Duration parseDuration(String value) {
    java.util.regex.Matcher m =
        DURATION.matcher(value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "invalid duration '" + value + "': expected digits with ms, s, m, h or d, e.g. 30s, 10m");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2) == null ? "s" : m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static void ifSet(
      Map<String, String> env, String name, java.util.function.Consumer<String> apply) {
    String value = env.get(name);
    if (value != null && !value.isBlank()) {
      try {
        apply.accept(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + "=" + value + ": not a whole number", e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + "=" + value + ": " + e.getMessage(), e);
      }
    }
  }

  /** Collects settings; {@link #build()} checks them. */
  public static final class Builder {
    private String bind = "127.0.0.1";
    private int port = 8080;
    private String store = "./sluice-data";
    private String token;
    private long maxBodySize = 64L << 30;
    private long defaultRate;
    private long maxRate;
    private long globalRate;
    private Duration grace = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofSeconds(30);
    private long minRequestDataRate = 1024;
    private int maxRequestHeaderSize = 16 * 1024;
    private int maxRanges = 16;
    private int maxThreads = 10_000;
    private int workers = Runtime.getRuntime().availableProcessors();
    private long memoryBudget;
    private int maxTransfers = 1024;
    private int maxOpenFiles;
    private Duration admissionWait = Duration.ofMillis(500);
    private int maxConnections = 384;
    private LogFormat logFormat = LogFormat.TEXT;
    private boolean accessLog = true;
    private Path tlsCert;
    private Path tlsKey;
    private boolean h2c;
    private List<String> corsOrigins = List.of();
    private Duration uploadExpiry = Duration.ofHours(24);
    private String coord;
    private String nodeId;

    private Builder() {}

    public Builder bind(String address) {
      this.bind = address;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder store(String location) {
      this.store = location;
      return this;
    }

    public Builder token(String token) {
      this.token = token;
      return this;
    }

    public Builder maxBodySize(long bytes) {
      this.maxBodySize = bytes;
      return this;
    }

    public Builder defaultRate(long bytesPerSecond) {
      this.defaultRate = bytesPerSecond;
      return this;
    }

    public Builder maxRate(long bytesPerSecond) {
      this.maxRate = bytesPerSecond;
      return this;
    }

    public Builder globalRate(long bytesPerSecond) {
      this.globalRate = bytesPerSecond;
      return this;
    }

    public Builder grace(Duration grace) {
      this.grace = grace;
      return this;
    }

    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout = timeout;
      return this;
    }

    public Builder minRequestDataRate(long bytesPerSecond) {
      this.minRequestDataRate = bytesPerSecond;
      return this;
    }

    public Builder maxRequestHeaderSize(int bytes) {
      this.maxRequestHeaderSize = bytes;
      return this;
    }

    public Builder maxRanges(int ranges) {
      this.maxRanges = ranges;
      return this;
    }

    public Builder maxThreads(int threads) {
      this.maxThreads = threads;
      return this;
    }

    /** Platform threads for upload pipelines; 0 runs them inline on virtual threads. */
    public Builder workers(int threads) {
      this.workers = threads;
      return this;
    }

    /** Bytes of payload buffers all transfers together may hold; 0 for the default. */
    public Builder memoryBudget(long bytes) {
      this.memoryBudget = bytes;
      return this;
    }

    public Builder maxTransfers(int transfers) {
      this.maxTransfers = transfers;
      return this;
    }

    /** The most store files transfers hold open at once; 0 for the default. */
    public Builder maxOpenFiles(int files) {
      this.maxOpenFiles = files;
      return this;
    }

    public Builder admissionWait(Duration wait) {
      this.admissionWait = wait;
      return this;
    }

    /** The most client connections open at once; more wait in the kernel's accept queue. */
    public Builder maxConnections(int connections) {
      this.maxConnections = connections;
      return this;
    }

    /** Text or JSON access log lines. */
    public Builder logFormat(LogFormat format) {
      this.logFormat = format;
      return this;
    }

    /** Whether each request gets an access log line (default on). */
    public Builder accessLog(boolean on) {
      this.accessLog = on;
      return this;
    }

    /** The PEM certificate chain for HTTPS; set together with {@link #tlsKey}. */
    public Builder tlsCert(Path pem) {
      this.tlsCert = pem;
      return this;
    }

    /** The PEM (PKCS#8, unencrypted) private key for HTTPS. */
    public Builder tlsKey(Path pem) {
      this.tlsKey = pem;
      return this;
    }

    /** Whether cleartext connections may speak HTTP/2 too. */
    public Builder h2c(boolean on) {
      this.h2c = on;
      return this;
    }

    /** The origins browser pages may call from; {@code *} for any, empty for no CORS. */
    public Builder corsOrigins(List<String> origins) {
      this.corsOrigins = origins;
      return this;
    }

    /** How long a resumable upload lives after it is created. */
    public Builder uploadExpiry(Duration expiry) {
      this.uploadExpiry = expiry;
      return this;
    }

    /** The coordination store that makes this server a node of a cluster; null for none. */
    public Builder coord(String url) {
      this.coord = url;
      return this;
    }

    /** This node's id in the cluster; null generates one. */
    public Builder nodeId(String id) {
      this.nodeId = id;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(
          bind,
          port,
          store,
          token,
          maxBodySize,
          defaultRate,
          maxRate,
          globalRate,
          grace,
          idleTimeout,
          minRequestDataRate,
          maxRequestHeaderSize,
          maxRanges,
          maxThreads,
          workers,
          memoryBudget,
          maxTransfers,
          maxOpenFiles,
          admissionWait,
          maxConnections,
          logFormat,
          accessLog,
          tlsCert,
          tlsKey,
          h2c,
          corsOrigins,
          uploadExpiry,
          coord,
          nodeId);
    }
  }
}
