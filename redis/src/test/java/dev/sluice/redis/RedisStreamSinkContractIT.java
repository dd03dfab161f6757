package dev.sluice.redis;

/** A {@link RedisStreamSink} told its input is NDJSON passes the sink contract. */
class RedisStreamSinkContractIT extends RedisStreamSinkContract {

  @Override
  protected RedisStreamSink.Builder builder(TestRedis redis, String stream) {
    return RedisStreamSink.builder(redis.client, stream).format(RedisStreamSink.Format.NDJSON);
  }
}
