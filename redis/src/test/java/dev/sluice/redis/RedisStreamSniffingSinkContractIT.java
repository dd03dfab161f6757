package dev.sluice.redis;

/**
 * A {@link RedisStreamSink} left to tell CSV from NDJSON by the first bytes (the sniffing sink)
 * passes the sink contract on NDJSON, in one-byte writes too.
 */
class RedisStreamSniffingSinkContractIT extends RedisStreamSinkContract {

  @Override
  protected RedisStreamSink.Builder builder(TestRedis redis, String stream) {
    return RedisStreamSink.builder(redis.client, stream);
  }
}
