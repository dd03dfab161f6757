package dev.sluice.redis.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/** Turns Jedis's unchecked failures into the {@link IOException}s sinks and sources throw. */
final class RedisErrors {

  private RedisErrors() {}

  /**
   * Runs a clean-up command, once more if the connection it got was broken (a pooled connection can
   * die while idle, e.g. when the server closed it): the pool replaces a broken connection, so the
   * second try runs on a fresh one.
   */
  static void cleanUp(Runnable command) {
    try {
      command.run();
    } catch (JedisConnectionException e) {
      try {
        command.run();
      } catch (RuntimeException again) {
        again.addSuppressed(e);
        throw again;
      }
    }
  }

  /**
   * Wraps {@code failure} once, saying what was being done; an interrupted thread gets an {@link
   * InterruptedIOException}, the engine's sign of cancellation.
   */
  static IOException wrap(String doing, JedisException failure) {
    if (Thread.currentThread().isInterrupted()) {
      var interrupted = new InterruptedIOException("interrupted while " + doing);
      interrupted.initCause(failure);
      return interrupted;
    }
    return new IOException("redis failed while " + doing + ": " + failure.getMessage(), failure);
  }
}
