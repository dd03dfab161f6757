package dev.sluice.http.internal;

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
 * {@link TcpCork} calls {@code setsockopt} ({@link Libc}, bound at the first reservation), on the
 * descriptor of the file opened for the call (read through {@code sun.nio.ch}, which the launcher
 * and the test JVMs export). {@link #ifAvailable} is null where any of that is missing. Stateless
 * and thread-safe.
 */
public final class Fallocate implements BlockReservation {

  private static final int FALLOC_FL_KEEP_SIZE = 1;

  private final Method fdVal;

  private Fallocate(Method fdVal) {
    this.fdVal = fdVal;
  }

  /** The reservation, or null if this platform or process cannot make one. */
  public static BlockReservation ifAvailable() {
    if (!Platform.isLinux()) {
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
    if (!Libc.BOUND || !Files.isRegularFile(file)) {
      return false; // opening it "rw" would create it
    }
    try (RandomAccessFile open = new RandomAccessFile(file.toFile(), "rw")) {
      int fd = (int) fdVal.invoke(null, open.getFD());
      return Libc.fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, bytes) == 0;
    } catch (IOException | ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false; // the writes allocate as they go
    }
  }
}
