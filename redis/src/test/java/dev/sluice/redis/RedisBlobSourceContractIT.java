package dev.sluice.redis;

import dev.sluice.core.Source;
import dev.sluice.core.testing.SourceContract;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The core source contract for a blob read through a {@code redis://} location. */
class RedisBlobSourceContractIT extends SourceContract {

  private TestRedis redis;
  private int stored;

  @BeforeEach
  void connect() {
    redis = TestRedis.connect();
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }

  @Override
  protected Source newSource(byte[] content) throws IOException {
    RedisEndpointProvider provider = new RedisEndpointProvider();
    String url = redis.url("/0/blob-" + stored++ + "?prefix=" + redis.prefix + "&chunk-size=24");
    var sink = provider.openSink(url, Map.of());
    sink.write(java.nio.ByteBuffer.wrap(content));
    sink.commit();
    return provider.openSource(url, Map.of());
  }
}
