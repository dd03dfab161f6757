package dev.sluice.coord.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sluice.coord.Coordination;
import dev.sluice.coord.CoordinationException;
import dev.sluice.coord.CoordinationOptions;
import dev.sluice.coord.Lease;
import dev.sluice.coord.NodeInfo;
import dev.sluice.coord.Probe;
import dev.sluice.coord.internal.LeaseKeeper;
import dev.sluice.core.Secrets;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coordination in PostgreSQL: a lease is a session advisory lock ({@code pg_try_advisory_lock})
 * held by one session per node whose {@code idle_session_timeout} is the lease time (see {@link
 * LockSession}); release requests and releases are {@code NOTIFY}s every node {@code LISTEN}s to;
 * nodes, sweeps and fences are rows of three small tables; shared buckets are Bucket4j's
 * advisory-lock buckets in a fourth. Times are the server's ({@code now()}), so the nodes' clocks
 * need not agree.
 *
 * <p>Tables (created if missing): {@code NS_nodes}, {@code NS_sweeps}, {@code NS_fences}, {@code
 * NS_buckets}; channels {@code NS_release_request} and {@code NS_released}.
 */
public final class PostgresCoordination implements Coordination {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresCoordination.class);

  private final String url;
  private final String server;
  private final CoordinationOptions options;
  private final String ns;
  private final HikariDataSource pool;
  private final LockSession locks;
  private final LeaseKeeper leases;
  private final ProxyManager<Long> buckets;
  private final Thread listener;
  private volatile boolean closed;

  private PostgresCoordination(String url, CoordinationOptions options, HikariDataSource pool) {
    this.url = url;
    this.server = Secrets.redact(url.replaceAll("\\?.*", ""));
    this.options = options;
    this.ns = options.namespace();
    this.pool = pool;
    this.locks =
        new LockSession(
            url, options.leaseTime(), ns, this::notify, this::nextFence, this::sessionLost);
    this.leases =
        new LeaseKeeper(locks, options.nodeId(), options.leaseTime(), options.renewEvery());
    this.buckets = Bucket4jPostgreSQL.advisoryLockBasedBuilder(pool).table(ns + "_buckets").build();
    this.listener = Thread.ofPlatform().daemon().name("sluice-coord-pg").start(this::listen);
  }

  /**
   * Connects to {@code url} ({@code jdbc:postgresql://…}) and creates the tables if missing.
   *
   * @throws CoordinationException if PostgreSQL does not answer
   */
  public static PostgresCoordination open(String url, CoordinationOptions options) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(1);
    config.setPoolName("sluice-coord");
    config.setConnectionTimeout(
        Math.max(5000, options.connectTimeout().toMillis())); // a busy server forks slowly
    config.setInitializationFailTimeout(-1); // fail in createTables below, with our message
    HikariDataSource pool = new HikariDataSource(config);
    try {
      createTables(pool, options.namespace());
    } catch (SQLException e) {
      pool.close();
      throw new CoordinationException(
          "coordination store "
              + Secrets.redact(url.replaceAll("\\?.*", ""))
              + " does not answer: "
              + Secrets.redact(e.getMessage()),
          e);
    }
    return new PostgresCoordination(url, options, pool);
  }

  private static void createTables(HikariDataSource pool, String ns) throws SQLException {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        // nodes starting together: one creates, the others wait for it
        st.execute("SELECT pg_advisory_xact_lock(" + LockSession.key(ns, "schema") + ")");
        st.execute(
            "CREATE TABLE IF NOT EXISTS "
                + ns
                + "_nodes (id text PRIMARY KEY, info text NOT NULL, seen timestamptz NOT NULL,"
                + " ttl_ms bigint NOT NULL)");
        st.execute(
            "CREATE TABLE IF NOT EXISTS "
                + ns
                + "_sweeps (name text PRIMARY KEY, due timestamptz NOT NULL, node text NOT NULL)");
        st.execute(
            "CREATE TABLE IF NOT EXISTS "
                + ns
                + "_fences (name text PRIMARY KEY, fence bigint NOT NULL)");
        st.execute(
            "CREATE TABLE IF NOT EXISTS "
                + ns
                + "_buckets (id bigint PRIMARY KEY, state bytea, expires_at bigint)");
      }
      c.commit();
    }
  }

  private interface SqlWork<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T sql(SqlWork<T> work) {
    try (Connection c = pool.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new CoordinationException(
          "coordination store " + server + " failed: " + Secrets.redact(e.getMessage()), e);
    }
  }

  private void notify(String channel, String payload) {
    sql(
        c -> {
          try (PreparedStatement st = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            st.setString(1, channel);
            st.setString(2, payload);
            st.executeQuery().close();
          }
          return null;
        });
  }

  private long nextFence(String name) {
    return sql(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement(
                  "INSERT INTO "
                      + ns
                      + "_fences AS f (name, fence) VALUES (?, 1) ON CONFLICT (name)"
                      + " DO UPDATE SET fence = f.fence + 1 RETURNING fence")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
              rs.next();
              return rs.getLong(1);
            }
          }
        });
  }

  private void sessionLost() {
    LOG.warn("the session holding this node's locks ended: every lease it held is lost");
    leases.lostAll();
  }

  /** LISTENs on its own connection, again after every loss, until closed. */
  private void listen() {
    while (!closed) {
      try (Connection c = DriverManager.getConnection(url)) {
        try (Statement st = c.createStatement()) {
          st.execute("LISTEN " + ns + "_release_request");
          st.execute("LISTEN " + ns + "_released");
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] notes = pg.getNotifications(250);
          if (notes == null) {
            continue;
          }
          for (PGNotification note : notes) {
            if (note.getName().endsWith("_release_request")) {
              leases.releaseRequested(note.getParameter());
            } else {
              leases.released(note.getParameter());
            }
          }
        }
      } catch (SQLException e) {
        if (closed) {
          return;
        }
        LOG.debug("coordination listener lost its connection, retrying: {}", e.toString());
        try {
          Thread.sleep(options.renewEvery().toMillis() / 2 + 1);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  @Override
  public String nodeId() {
    return options.nodeId();
  }

  @Override
  public Lease tryAcquire(String name, Consumer<Lease> onReleaseRequested) {
    try {
      return leases.tryAcquire(name, onReleaseRequested);
    } catch (CoordinationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CoordinationException(
          "coordination store " + server + " failed: " + Secrets.redact(e.getMessage()), e);
    }
  }

  @Override
  public void requestRelease(String name) {
    locks.requestRelease(name);
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
    sql(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement(
                  "INSERT INTO "
                      + ns
                      + "_nodes (id, info, seen, ttl_ms) VALUES (?, ?, now(), ?) ON CONFLICT (id)"
                      + " DO UPDATE SET info = EXCLUDED.info, seen = now(), ttl_ms ="
                      + " EXCLUDED.ttl_ms")) {
            st.setString(1, self.id());
            st.setString(2, self.encode());
            st.setLong(3, options.nodeTtl().toMillis());
            st.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public List<NodeInfo> liveNodes() {
    return sql(
        c -> {
          List<NodeInfo> live = new ArrayList<>();
          try (Statement st = c.createStatement()) {
            st.executeUpdate(
                "DELETE FROM "
                    + ns
                    + "_nodes WHERE seen + make_interval(secs => ttl_ms / 1000.0) < now()"
                    + " - interval '1 hour'");
            try (ResultSet rs =
                st.executeQuery(
                    "SELECT id, info FROM "
                        + ns
                        + "_nodes WHERE seen + make_interval(secs => ttl_ms / 1000.0) > now()"
                        + " ORDER BY id")) {
              while (rs.next()) {
                try {
                  live.add(NodeInfo.decode(rs.getString(2)));
                } catch (RuntimeException e) {
                  LOG.warn("ignoring the malformed registration of node {}", rs.getString(1));
                }
              }
            }
          }
          return live;
        });
  }

  @Override
  public boolean claimSweep(String name, Duration period) {
    return sql(
        c -> {
          try (PreparedStatement st =
              c.prepareStatement(
                  "INSERT INTO "
                      + ns
                      + "_sweeps AS s (name, due, node) VALUES (?, now() + make_interval(secs =>"
                      + " ? / 1000.0), ?) ON CONFLICT (name) DO UPDATE SET due = EXCLUDED.due,"
                      + " node = EXCLUDED.node WHERE s.due <= now()")) {
            st.setString(1, name);
            st.setLong(2, Math.max(1, period.toMillis()));
            st.setString(3, options.nodeId());
            return st.executeUpdate() == 1;
          }
        });
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
    return buckets.builder().build(LockSession.key(ns, "bucket:" + name), () -> config);
  }

  @Override
  public Probe probe() {
    return Probe.of(
        server,
        () -> {
          try (Connection c = pool.getConnection();
              Statement st = c.createStatement()) {
            st.execute("SELECT 1");
          }
        });
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
    locks.close();
    try {
      sql(
          c -> {
            try (PreparedStatement st =
                c.prepareStatement("DELETE FROM " + ns + "_nodes WHERE id = ?")) {
              st.setString(1, options.nodeId());
              st.executeUpdate();
            }
            return null;
          });
    } catch (CoordinationException e) {
      LOG.debug("withdrawing node {} failed: {}", options.nodeId(), e.toString());
    }
    pool.close();
    listener.interrupt();
  }

  @Override
  public String toString() {
    return "postgres-coordination(" + server + ", node " + options.nodeId() + ")";
  }
}
