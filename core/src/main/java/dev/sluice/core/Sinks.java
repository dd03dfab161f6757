package dev.sluice.core;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/** Factories for the built-in {@link Sink}s. */
public final class Sinks {

  private Sinks() {}

  /**
   * Writes to a temporary file beside {@code target} and renames it into place on commit; an abort
   * leaves nothing behind. Refuses an existing target unless {@link WriteOption#REPLACE_EXISTING}.
   *
   * @throws java.nio.file.FileAlreadyExistsException if the target exists and may not be replaced
   */
  public static Sink file(Path target, WriteOption... options) throws IOException {
    Set<WriteOption> set = EnumSet.noneOf(WriteOption.class);
    set.addAll(java.util.List.of(options));
    return new FileSink(target, set);
  }

  /** Counts and drops every byte; the receipt holds the count. */
  public static Sink discard() {
    return new DiscardingSink();
  }

  /**
   * Writes to {@code out} and closes it on commit or abort. A stream cannot take back what it was
   * sent: abort only stops.
   */
  public static Sink to(OutputStream out) {
    return new OutputStreamSink(out, "stream", true);
  }

  /** The process's standard output; it is flushed on commit and left open. */
  public static Sink stdout() {
    return new OutputStreamSink(new FileOutputStream(FileDescriptor.out), "stdout", false);
  }
}
