package dev.sluice.redis;

import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ClientKillParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The machine's Redis on 127.0.0.1:6379 with a key prefix of this test's own; {@link #close}
 * removes every key under it. Without a reachable Redis the test is skipped, or fails when {@code
 * CI=true}.
 */
final class TestRedis implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  static final int PORT = 6379;

  final RedisClient client;
  final String prefix;

  private TestRedis(RedisClient client, String prefix) {
    this.client = client;
    this.prefix = prefix;
  }

  static TestRedis connect() {
    RedisClient client = RedisClient.create(HOST, PORT);
    try {
      client.ping();
    } catch (RuntimeException e) {
      client.close();
      String why = "Redis is not reachable on " + HOST + ":" + PORT + ": " + e;
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(why + " (CI=true: start it with scripts/services.sh)");
      }
      Assumptions.abort(why);
    }
    String prefix = "sluice-test-" + UUID.randomUUID().toString().substring(0, 13);
    return new TestRedis(client, prefix);
  }

  /** A location on the test Redis, e.g. {@code url("/0/k")}. */
  String url(String pathAndQuery) {
    return "redis://" + HOST + ":" + PORT + pathAndQuery;
  }

  /** Every key under this test's prefix, found with SCAN. */
  List<String> keys() {
    List<String> keys = new ArrayList<>();
    ScanParams params = new ScanParams().match(prefix + "*").count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = client.scan(cursor, params);
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return keys;
  }

  /**
   * A client of its own whose connections are named {@link #prefix} (see {@link
   * #killClientsNamed}).
   */
  RedisClient namedClient() {
    return RedisClient.builder()
        .hostAndPort(HOST, PORT)
        .clientConfig(DefaultJedisClientConfig.builder().clientName(prefix).build())
        .build();
  }

  /** Kills every connection whose CLIENT SETNAME is {@code name}; returns how many. */
  int killClientsNamed(String name) {
    int killed = 0;
    try (Jedis admin = new Jedis(HOST, PORT)) {
      for (String line : admin.clientList().split("\n")) {
        if (line.contains(" name=" + name + " ")) {
          String id = line.substring("id=".length(), line.indexOf(' '));
          killed += (int) admin.clientKill(ClientKillParams.clientKillParams().id(id));
        }
      }
    }
    return killed;
  }

  @Override
  public void close() {
    try {
      for (String key : keys()) {
        client.unlink(key);
      }
    } finally {
      client.close();
    }
  }
}
