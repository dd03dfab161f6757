package dev.sluice.coord.redis;

import dev.sluice.coord.Coordination;
import dev.sluice.coord.CoordinationException;
import dev.sluice.coord.CoordinationOptions;
import dev.sluice.coord.Lease;
import dev.sluice.coord.NodeInfo;
import dev.sluice.coord.Probe;
import dev.sluice.coord.internal.LeaseKeeper;
import dev.sluice.coord.internal.LeaseStore;
import dev.sluice.core.Secrets;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.params.SetParams;

/**
 * Coordination in Redis: a lease is a key set with {@code SET NX PX} and renewed with a script that
 * extends it only for its own token; release requests and releases are published on two channels
 * every node subscribes to; nodes are keys with a TTL listed in a set; a sweep is claimed with
 * {@code SET NX PX} for its period; shared buckets are Bucket4j's compare-and-swap buckets.
 *
 * <p>Keys: {@code NS:lease:NAME}, {@code NS:fence:NAME}, {@code NS:node:ID}, {@code NS:nodes},
 * {@code NS:sweep:NAME}, {@code NS:bucket:NAME}; channels {@code NS:release-request} and {@code
 * NS:released}, the message being the lease's name.
 */
public final class RedisCoordination implements Coordination {

  private static final Logger LOG = LoggerFactory.getLogger(RedisCoordination.class);

  private static final String GRANT =
      "if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then"
          + " return redis.call('incr', KEYS[2]) else return 0 end";
  private static final String RENEW =
      "if redis.call('get', KEYS[1]) == ARGV[1] then"
          + " return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
  private static final String RELEASE =
      "if redis.call('get', KEYS[1]) == ARGV[1] then"
          + " redis.call('del', KEYS[1]); return 1 else return 0 end";

  private final RedisClient redis;
  private final String server;
  private final CoordinationOptions options;
  private final String ns;
  private final Store store = new Store();
  private final LeaseKeeper leases;
  private final ProxyManager<byte[]> buckets;
  private volatile Subscriber subscriber;
  private final Thread listener;
  private volatile boolean closed;

  private RedisCoordination(RedisClient redis, String server, CoordinationOptions options) {
    this.redis = redis;
    this.server = server;
    this.options = options;
    this.ns = options.namespace();
    this.leases =
        new LeaseKeeper(store, options.nodeId(), options.leaseTime(), options.renewEvery());
    this.buckets =
        Bucket4jJedis.casBasedBuilder(redis)
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    Duration.ofSeconds(10)))
            .build();
    this.listener = Thread.ofPlatform().daemon().name("sluice-coord-redis").start(this::listen);
  }

  /**
   * Connects to {@code url}, {@code redis://[user:password@]host[:port][/db]}.
   *
   * @throws IllegalArgumentException if the URL is malformed
   * @throws CoordinationException if Redis does not answer
   */
  public static RedisCoordination open(String url, CoordinationOptions options) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid Redis URL " + Secrets.redact(url), e);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("Redis URL needs a host: " + Secrets.redact(url));
    }
    int port = uri.getPort() == -1 ? 6379 : uri.getPort();
    int db = 0;
    String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
    if (!path.isEmpty()) {
      try {
        db = Integer.parseInt(path);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Redis URL path must be a database number: " + Secrets.redact(url), e);
      }
    }
    int timeout = (int) options.connectTimeout().toMillis();
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .database(db)
            .connectionTimeoutMillis(timeout)
            .socketTimeoutMillis(Math.max(timeout, 2000))
            .blockingSocketTimeoutMillis(0);
    if ("rediss".equals(uri.getScheme())) {
      config.sslOptions(SslOptions.defaults());
    }
    if (uri.getUserInfo() != null) {
      String[] parts = uri.getUserInfo().split(":", 2);
      if (parts.length == 2) {
        if (!parts[0].isEmpty()) {
          config.user(parts[0]);
        }
        config.password(parts[1]);
      } else {
        config.password(parts[0]);
      }
    }
    String server = uri.getScheme() + "://" + uri.getHost() + ":" + port + "/" + db;
    RedisClient client =
        RedisClient.builder().hostAndPort(uri.getHost(), port).clientConfig(config.build()).build();
    RedisCoordination coordination = new RedisCoordination(client, server, options);
    Probe probe = coordination.probe();
    if (!probe.reachable()) {
      coordination.close();
      throw new CoordinationException(probe.problem(), null);
    }
    return coordination;
  }

  private String key(String kind, String name) {
    return ns + ":" + kind + ":" + name;
  }

  /** Subscribes to the two channels, again after every connection loss, until closed. */
  private void listen() {
    while (!closed) {
      try {
        Subscriber fresh = new Subscriber();
        subscriber = fresh;
        redis.subscribe(fresh, ns + ":release-request", ns + ":released");
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.debug("coordination subscription lost, retrying: {}", e.toString());
        try {
          Thread.sleep(options.renewEvery().toMillis() / 2 + 1);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private final class Subscriber extends JedisPubSub {
    @Override
    public void onMessage(String channel, String message) {
      if (channel.endsWith(":release-request")) {
        leases.releaseRequested(message);
      } else {
        leases.released(message);
      }
    }
  }

  private final class Store implements LeaseStore {
    @Override
    public long grant(String name, String token) {
      Object fence =
          call(
              () ->
                  redis.eval(
                      GRANT,
                      List.of(key("lease", name), key("fence", name)),
                      List.of(token, Long.toString(options.leaseTime().toMillis()))));
      return ((Number) fence).longValue();
    }

    @Override
    public boolean renew(String name, String token) {
      Object ok =
          redis.eval(
              RENEW,
              List.of(key("lease", name)),
              List.of(token, Long.toString(options.leaseTime().toMillis())));
      return ((Number) ok).longValue() == 1;
    }

    @Override
    public void release(String name, String token) {
      Object ok = redis.eval(RELEASE, List.of(key("lease", name)), List.of(token));
      if (((Number) ok).longValue() == 1) {
        redis.publish(ns + ":released", name);
      }
    }

    @Override
    public void requestRelease(String name) {
      call(() -> redis.publish(ns + ":release-request", name));
    }
  }

  private <T> T call(java.util.function.Supplier<T> command) {
    try {
      return command.get();
    } catch (RuntimeException e) {
      throw new CoordinationException(
          "coordination store " + server + " failed: " + Secrets.redact(e.getMessage()), e);
    }
  }

  @Override
  public String nodeId() {
    return options.nodeId();
  }

  @Override
  public Lease tryAcquire(String name, Consumer<Lease> onReleaseRequested) {
    return leases.tryAcquire(name, onReleaseRequested);
  }

  @Override
  public void requestRelease(String name) {
    store.requestRelease(name);
  }

  @Override
  public Lease acquire(String name, Duration timeout, Consumer<Lease> onReleaseRequested)
      throws InterruptedException {
    return leases.acquire(name, timeout, onReleaseRequested);
  }

  @Override
  public void publish(NodeInfo self) {
    if (!self.id().equals(options.nodeId())) {
      throw new IllegalArgumentException(
          "a node publishes itself: " + self.id() + " is not " + options.nodeId());
    }
    call(
        () -> {
          redis.set(
              key("node", self.id()),
              self.encode(),
              SetParams.setParams().px(options.nodeTtl().toMillis()));
          return redis.sadd(ns + ":nodes", self.id());
        });
  }

  @Override
  public List<NodeInfo> liveNodes() {
    return call(
        () -> {
          List<String> ids = new ArrayList<>(redis.smembers(ns + ":nodes"));
          if (ids.isEmpty()) {
            return List.of();
          }
          ids.sort(null);
          List<String> values =
              redis.mget(ids.stream().map(id -> key("node", id)).toArray(String[]::new));
          List<NodeInfo> live = new ArrayList<>();
          for (int i = 0; i < ids.size(); i++) {
            String value = values.get(i);
            if (value == null) {
              redis.srem(ns + ":nodes", ids.get(i)); // its TTL ran out: it is gone
            } else {
              try {
                live.add(NodeInfo.decode(value));
              } catch (RuntimeException e) {
                LOG.warn("ignoring the malformed registration of node {}", ids.get(i));
              }
            }
          }
          return live;
        });
  }

  @Override
  public boolean claimSweep(String name, Duration period) {
    return call(
        () ->
            "OK"
                .equals(
                    redis.set(
                        key("sweep", name),
                        options.nodeId(),
                        SetParams.setParams().nx().px(Math.max(1, period.toMillis())))));
  }

  @Override
  public Bucket sharedBucket(String name, long ratePerSecond, long burst) {
    BucketConfiguration config =
        BucketConfiguration.builder()
            .addLimit(
                limit ->
                    limit
                        .capacity(burst)
                        .refillGreedy(ratePerSecond, Duration.ofSeconds(1))
                        .initialTokens(burst))
            .build();
    return buckets
        .builder()
        .build(key("bucket", name).getBytes(StandardCharsets.UTF_8), () -> config);
  }

  @Override
  public Probe probe() {
    return Probe.of(server, redis::ping);
  }

  @Override
  public String describe() {
    return server;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    leases.close();
    try {
      redis.del(key("node", options.nodeId()));
      redis.srem(ns + ":nodes", options.nodeId());
    } catch (RuntimeException e) {
      LOG.debug("withdrawing node {} failed: {}", options.nodeId(), e.toString());
    }
    try {
      Subscriber s = subscriber;
      if (s != null && s.isSubscribed()) {
        s.unsubscribe();
      }
    } catch (RuntimeException e) {
      LOG.debug("unsubscribing failed: {}", e.toString());
    }
    redis.close();
    listener.interrupt();
  }

  @Override
  public String toString() {
    return "redis-coordination(" + server + ", node " + options.nodeId() + ")";
  }
}
