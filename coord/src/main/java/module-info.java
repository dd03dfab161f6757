/**
 * Coordination of several {@code sluice serve} nodes through a store they share (Redis or
 * PostgreSQL): leases that a waiting node can ask back, node registration with heartbeats,
 * once-per-cluster sweeps and cluster-wide token buckets.
 */
module dev.sluice.coord {
  requires transitive dev.sluice.core;
  requires transitive io.github.bucket4j.core; // sharedBucket returns a Bucket4j Bucket
  requires com.zaxxer.hikari;
  requires io.github.bucket4j.jedis;
  requires io.github.bucket4j.postgresql;
  requires redis.clients.jedis;
  requires org.postgresql.jdbc;
  requires java.sql;
  requires org.slf4j;

  exports dev.sluice.coord;
  exports dev.sluice.coord.redis;
  exports dev.sluice.coord.postgres;
  exports dev.sluice.coord.local;

  uses dev.sluice.coord.CoordinationProvider;

  provides dev.sluice.coord.CoordinationProvider with
      dev.sluice.coord.redis.RedisCoordinationProvider,
      dev.sluice.coord.postgres.PostgresCoordinationProvider;
}
