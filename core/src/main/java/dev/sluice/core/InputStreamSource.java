package dev.sluice.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** Adapts an {@link InputStream}; copies through a small heap array when the buffer has none. */
final class InputStreamSource implements Source {

  private static final int SCRATCH = 64 * 1024;

  private final InputStream in;
  private final String name;
  private final long length;
  private byte[] scratch;

  public InputStreamSource(InputStream in, String name, long length) {
    this.in = in;
    this.name = name;
    this.length = length;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    if (into.hasArray()) {
      int n = in.read(into.array(), into.arrayOffset() + into.position(), into.remaining());
      if (n > 0) {
        into.position(into.position() + n);
      }
      return n == 0 ? readOne(into) : n;
    }
    int wanted = Math.min(into.remaining(), SCRATCH);
    if (scratch == null || scratch.length < wanted) {
      scratch = new byte[wanted]; // sized by the largest buffer seen, not only the first
    }
    int n = in.read(scratch, 0, Math.min(scratch.length, into.remaining()));
    if (n > 0) {
      into.put(scratch, 0, n);
    }
    return n == 0 ? readOne(into) : n;
  }

  /** {@code InputStream.read} may return 0; block for one byte instead, as Source promises. */
  private int readOne(ByteBuffer into) throws IOException {
    int b = in.read();
    if (b < 0) {
      return -1;
    }
    into.put((byte) b);
    return 1;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  @Override
  public String toString() {
    return name;
  }
}
