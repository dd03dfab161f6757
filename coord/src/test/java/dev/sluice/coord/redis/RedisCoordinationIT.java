package dev.sluice.coord.redis;

import dev.sluice.coord.Coordination;
import dev.sluice.coord.CoordinationContract;
import dev.sluice.coord.CoordinationOptions;
import dev.sluice.coord.TestStores;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The coordination contract on the machine's Redis (127.0.0.1:6379). */
class RedisCoordinationIT extends CoordinationContract {

  @Override
  protected Coordination connect(CoordinationOptions options) {
    return Coordination.open(TestStores.redis(), options);
  }

  @Override
  protected void cleanUp(String namespace) {
    try (RedisClient redis = RedisClient.create("127.0.0.1", 6379)) {
      ScanParams match = new ScanParams().match(namespace + ":*").count(1000);
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<String> page = redis.scan(cursor, match);
        if (!page.getResult().isEmpty()) {
          redis.del(page.getResult().toArray(String[]::new));
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
  }
}
