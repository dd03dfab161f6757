package dev.sluice.jdbc.internal;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * Encoded bytes waiting to be read, in one growable array. Unsynchronized, unlike {@code
 * ByteArrayOutputStream}: one thread encodes and reads.
 */
final class PendingBytes extends OutputStream {

  private byte[] bytes;
  private int size;

  PendingBytes(int capacity) {
    bytes = new byte[capacity];
  }

  @Override
  public void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
    }
  }

  int size() {
    return size;
  }

  void reset() {
    size = 0;
  }

  /** The backing array; its first {@link #size} bytes are the content. */
  byte[] bytes() {
    return bytes;
  }
}
