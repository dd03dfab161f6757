package dev.sluice.http.internal;

import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linux {@code TCP_CORK} on a connection's socket, as nginx's {@code tcp_nopush} sets it around a
 * sendfile body: while corked the kernel sends only full segments, so the body leaves in the
 * largest segments the interface takes instead of one push per batch of pages {@code sendfile}
 * moves (on loopback, {@code sendfile} bodies went a third faster corked: docs/benchmarks.md,
 * "TCP_CORK"). Java has no such socket option: the descriptor comes from the JDK's socket channel
 * (the launcher and the test JVMs export {@code sun.nio.ch} for it) and {@code setsockopt} is
 * called through JNA.
 *
 * <p>Where any of that is missing (not Linux, no export, no native library) {@link #cork} does
 * nothing and says so once in the log: the body goes out all the same. Stateless and thread-safe;
 * the caller owns the channel and must {@linkplain #uncork uncork} it before the connection carries
 * anything else (a corked socket holds a partial segment back for up to 200 ms).
 */
final class TcpCork {

  private static final Logger LOG = LoggerFactory.getLogger(TcpCork.class);
  private static final int IPPROTO_TCP = 6;
  private static final int TCP_CORK = 3;
  private static final Method FD_VAL = fdVal();

  private TcpCork() {}

  /** Corks {@code channel}; false if corking is not available here or the socket refused it. */
  static boolean cork(SocketChannel channel) {
    return set(channel, 1);
  }

  /** Uncorks {@code channel}, sending what it held back; false if it could not. */
  static boolean uncork(SocketChannel channel) {
    return set(channel, 0);
  }

  /** The socket's {@code TCP_CORK} value, or -1 if it cannot be read (for tests). */
  static int corked(SocketChannel channel) {
    int fd = descriptor(channel);
    if (fd < 0) {
      return -1;
    }
    int[] value = {0};
    int[] length = {4};
    return Libc.BOUND && Libc.getsockopt(fd, IPPROTO_TCP, TCP_CORK, value, length) == 0
        ? value[0]
        : -1;
  }

  private static boolean set(SocketChannel channel, int value) {
    // an open channel's descriptor is its own: checked right before the call, the window in which
    // another thread could close it and the number be reused is a few instructions wide, and the
    // worst a stray cork does is hold a segment back for 200 ms
    int fd = channel.isOpen() ? descriptor(channel) : -1;
    return fd >= 0
        && Libc.BOUND
        && Libc.setsockopt(fd, IPPROTO_TCP, TCP_CORK, new int[] {value}, 4) == 0;
  }

  private static int descriptor(SocketChannel channel) {
    if (FD_VAL == null) {
      return -1;
    }
    try {
      return (int) FD_VAL.invoke(channel);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return -1;
    }
  }

  private static Method fdVal() {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      return null;
    }
    try {
      Method method = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
      method.setAccessible(true); // fails unless java.base exports sun.nio.ch to this code
      return method;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.info(
          "sendfile downloads go out without TCP_CORK: run with --add-exports"
              + " java.base/sun.nio.ch=ALL-UNNAMED (./sluice does) to allow it");
      return null;
    }
  }
}
