package dev.sluice.records;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte array for records on their way: the framing of pushed chunks (at most one record
 * plus one chunk, bounded by the record limits) and the exporters' encoded rows waiting to be read.
 * The caller bounds what it appends, so it never holds a whole stream. Unsynchronized, unlike
 * {@code ByteArrayOutputStream}: one thread fills and drains it.
 */
public final class ByteAccumulator extends OutputStream {

  private byte[] bytes;
  private int size;

  public ByteAccumulator(int initialCapacity) {
    bytes = new byte[Math.max(16, initialCapacity)];
  }

  /** Appends {@code chunk}'s bytes from index {@code from} to {@code to} (exclusive). */
  public void append(ByteBuffer chunk, int from, int to) {
    int length = to - from;
    ensure(length);
    chunk.get(from, bytes, size, length);
    size += length;
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

  /** Drops the first {@code count} bytes, keeping the rest. */
  public void discard(int count) {
    System.arraycopy(bytes, count, bytes, 0, size - count);
    size -= count;
  }

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  /** The backing array; valid from 0 to {@link #size()} until the next change. */
  public byte[] array() {
    return bytes;
  }

  /** A buffer over the content, valid until the next change. */
  public ByteBuffer asBuffer() {
    return ByteBuffer.wrap(bytes, 0, size);
  }

  /** The bytes from index {@code from} to {@code to} (exclusive) decoded as UTF-8. */
  public String decode(int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.UTF_8);
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(size + more, bytes.length * 2));
    }
  }
}
