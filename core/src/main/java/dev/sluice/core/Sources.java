package dev.sluice.core;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;

/** Factories for the built-in {@link Source}s. */
public final class Sources {

  private Sources() {}

  /** Reads the whole file; file-to-file copies without transforms use zero-copy transfer. */
  public static Source file(Path path) throws IOException {
    return new FileSource(path, 0, -1);
  }

  /** Reads {@code length} bytes of the file from {@code offset} ({@code length} -1: to the end). */
  public static Source file(Path path, long offset, long length) throws IOException {
    return new FileSource(path, offset, length);
  }

  /** Adapts a blocking input stream; closing the source closes the stream. */
  public static Source from(InputStream in) {
    return new InputStreamSource(in, "stream", -1);
  }

  /** Adapts a blocking channel; closing the source closes the channel. */
  public static Source from(ReadableByteChannel channel) {
    return new ChannelSource(channel, "channel", -1);
  }

  /** The process's standard input, read directly from file descriptor 0. */
  public static Source stdin() {
    return new InputStreamSource(new FileInputStream(FileDescriptor.in), "stdin", -1);
  }

  /**
   * {@code size} deterministic pseudo-random bytes drawn from {@code seed}: the same arguments
   * always give the same bytes. For tests and benchmarks.
   */
  public static Source generated(long size, long seed) {
    return new GeneratedSource(size, seed);
  }
}
