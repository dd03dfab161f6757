package dev.sluice.core.delivery;

/**
 * A satisfiable run of bytes of a representation, from {@code first} to {@code last} inclusive, as
 * HTTP writes it ({@code bytes 0-499/1234}).
 *
 * @param first the offset of the first byte, {@code >= 0}
 * @param last the offset of the last byte, {@code >= first}
 */
public record ByteRange(long first, long last) {

  public ByteRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException(
          "byte range must have 0 <= first <= last: " + first + "-" + last);
    }
  }

  /** The range of {@code length} bytes from {@code offset}. */
  public static ByteRange ofLength(long offset, long length) {
    if (length <= 0) {
      throw new IllegalArgumentException("byte range length must be > 0: " + length);
    }
    return new ByteRange(offset, offset + length - 1);
  }

  /** The number of bytes in the range. */
  public long length() {
    return last - first + 1;
  }

  /** The {@code Content-Range} value of this range of a representation of {@code size} bytes. */
  public String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }

  @Override
  public String toString() {
    return first + "-" + last;
  }
}
