package dev.sluice.coord.postgres;

import dev.sluice.coord.internal.LeaseStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The one PostgreSQL session that holds this node's advisory locks. Its {@code
 * idle_session_timeout} is the lease time: renewals keep it busy, and a node that stops renewing
 * (hung, cut off) has its session, and so its locks, ended by the server after the lease time; a
 * node that dies loses them at once, with its connection. Thread-safe: one lock guards the session.
 */
final class LockSession implements LeaseStore {

  private final String url;
  private final Duration leaseTime;
  private final String namespace;
  private final Notifier notifier;
  private final Runnable sessionLost;
  private final Object lock = new Object();
  private Connection session; // guarded by lock
  private final Map<String, String> tokens = new HashMap<>(); // name → token; guarded by lock

  /** Sends NOTIFYs for releases and release requests. */
  interface Notifier {
    void notify(String channel, String payload);
  }

  LockSession(
      String url,
      Duration leaseTime,
      String namespace,
      Notifier notifier,
      LongFenceSource fences,
      Runnable sessionLost) {
    this.url = url;
    this.leaseTime = leaseTime;
    this.namespace = namespace;
    this.notifier = notifier;
    this.fences = fences;
    this.sessionLost = sessionLost;
  }

  private final LongFenceSource fences;

  /** Gives the next fence of a name. */
  interface LongFenceSource {
    long next(String name);
  }

  /** The advisory lock key of {@code name}: 64 bits of its SHA-256 within the namespace. */
  static long key(String namespace, String name) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest((namespace + ":" + name).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(hash).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Connection session() throws SQLException {
    if (session == null || session.isClosed()) {
      if (!tokens.isEmpty()) {
        tokens.clear();
        sessionLost.run();
      }
      Connection fresh = DriverManager.getConnection(url);
      try (Statement st = fresh.createStatement()) {
        st.execute("SET idle_session_timeout = " + leaseTime.toMillis());
        st.execute("SET application_name = 'sluice-coord-locks'");
      }
      session = fresh;
    }
    return session;
  }

  @Override
  public long grant(String name, String token) {
    synchronized (lock) {
      boolean got;
      try {
        got = tryLock(name);
      } catch (SQLException e) {
        boolean heldNothing = tokens.isEmpty();
        broken();
        if (!heldNothing) {
          throw new IllegalStateException("taking an advisory lock failed: " + e.getMessage(), e);
        }
        try { // an idle session the server ended (idle_session_timeout): once more on a new one
          got = tryLock(name);
        } catch (SQLException again) {
          broken();
          throw new IllegalStateException(
              "taking an advisory lock failed: " + again.getMessage(), again);
        }
      }
      if (!got) {
        return 0;
      }
      tokens.put(name, token);
    }
    try {
      return fences.next(name);
    } catch (RuntimeException e) {
      release(name, token);
      throw e;
    }
  }

  private boolean tryLock(String name) throws SQLException {
    try (PreparedStatement st = session().prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      st.setLong(1, key(namespace, name));
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  @Override
  public boolean renew(String name, String token) {
    synchronized (lock) {
      if (!token.equals(tokens.get(name)) || session == null) {
        return false;
      }
      try (Statement st = session.createStatement()) {
        st.execute("SELECT 1");
        return true;
      } catch (SQLException e) {
        broken(); // the session ended: PostgreSQL dropped its locks with it
        return false;
      }
    }
  }

  @Override
  public void release(String name, String token) {
    synchronized (lock) {
      if (!token.equals(tokens.get(name))) {
        return;
      }
      tokens.remove(name);
      try (PreparedStatement st = session.prepareStatement("SELECT pg_advisory_unlock(?)")) {
        st.setLong(1, key(namespace, name));
        st.executeQuery().close();
      } catch (SQLException e) {
        broken();
        return;
      }
    }
    notifier.notify(namespace + "_released", name);
  }

  @Override
  public void requestRelease(String name) {
    notifier.notify(namespace + "_release_request", name);
  }

  /** Forgets a session that failed; its locks are gone with it. Holds {@code lock}. */
  private void broken() {
    try {
      if (session != null) {
        session.close();
      }
    } catch (SQLException ignored) {
      // it is gone either way
    }
    session = null;
    if (!tokens.isEmpty()) {
      tokens.clear();
      sessionLost.run();
    }
  }

  /** Closes the session, which releases whatever it still holds. */
  void close() {
    synchronized (lock) {
      tokens.clear();
      try {
        if (session != null) {
          session.close();
        }
      } catch (SQLException ignored) {
        // closing anyway
      }
      session = null;
    }
  }
}
