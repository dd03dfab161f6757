/** The Redis Streams record sink and the chunked blob store. */
module dev.sluice.redis {
  requires transitive dev.sluice.core;
  requires transitive dev.sluice.records;
  requires transitive redis.clients.jedis; // the API takes a UnifiedJedis

  exports dev.sluice.redis;

  provides dev.sluice.core.endpoint.EndpointProvider with
      dev.sluice.redis.RedisEndpointProvider;
}
