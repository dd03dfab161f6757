package dev.sluice.http.internal;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import dev.sluice.core.file.BlockReservation;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link BlockReservation} by Linux's {@code fallocate(FALLOC_FL_KEEP_SIZE)}, called through JNA as
 * {@link TcpCork} calls {@code setsockopt}, on the descriptor of the file opened for the call (read
 * through {@code sun.nio.ch}, which the launcher and the test JVMs export). {@link #ifAvailable} is
 * null where any of that is missing. Stateless and thread-safe.
 */
public final class Fallocate implements BlockReservation {

  private static final int FALLOC_FL_KEEP_SIZE = 1;

  private final Method fdVal;

  private Fallocate(Method fdVal) {
    this.fdVal = fdVal;
  }

  /** The reservation, or null if this platform or process cannot make one. */
  public static BlockReservation ifAvailable() {
    if (!Platform.isLinux() || !Libc.BOUND) {
      return null;
    }
    try {
      Method fdVal = Class.forName("sun.nio.ch.IOUtil").getMethod("fdVal", FileDescriptor.class);
      fdVal.setAccessible(true); // fails unless java.base exports sun.nio.ch to this code
      return new Fallocate(fdVal);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null;
    }
  }

  @Override
  public boolean reserve(Path file, long bytes) {
    if (!Files.isRegularFile(file)) {
      return false; // opening it "rw" would create it
    }
    try (RandomAccessFile open = new RandomAccessFile(file.toFile(), "rw")) {
      int fd = (int) fdVal.invoke(null, open.getFD());
      return Libc.fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, bytes) == 0;
    } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false; // the writes allocate as they go
    }
  }

  /** The C library's {@code fallocate}, bound by JNA's direct mapping on first use. */
  private static final class Libc {
    static final boolean BOUND = bind();

    static native int fallocate(int fd, int mode, long offset, long length);

    private static boolean bind() {
      try {
        Native.register(Libc.class, Platform.C_LIBRARY_NAME);
        return true;
      } catch (LinkageError | RuntimeException e) { // JNA or its native part missing
        return false;
      }
    }
  }
}
