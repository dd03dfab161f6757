package dev.sluice.http.internal;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.LoggerFactory;

/**
 * The C library calls Java has no API for ({@link TcpCork}'s socket options, {@link Fallocate}'s
 * block reservation), bound by JNA's direct mapping when this class is first used. {@link #BOUND}
 * is false where JNA or its native part is missing, which the log says once; the callers then do
 * without. Thread-safe.
 */
final class Libc {

  static final boolean BOUND = bind();

  private Libc() {}

  static native int setsockopt(int fd, int level, int name, int[] value, int length);

  static native int getsockopt(int fd, int level, int name, int[] value, int[] length);

  static native int fallocate(int fd, int mode, long offset, long length);

  private static boolean bind() {
    try {
      Native.register(Libc.class, Platform.C_LIBRARY_NAME);
      return true;
    } catch (LinkageError | RuntimeException e) { // JNA or its native part missing
      LoggerFactory.getLogger(Libc.class)
          .info(
              "no native C library binding: sendfile downloads go out without TCP_CORK and"
                  + " uploads reserve no blocks ahead of their writes");
      return false;
    }
  }
}
