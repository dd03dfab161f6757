package dev.sluice.core.delivery;

import dev.sluice.core.blob.Blob;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** Copies a region of a blob to a channel through buffers a {@link BufferLender} lends. */
final class BlobCopy {

  private BlobCopy() {}

  /**
   * Copies {@code range} of {@code blob} to {@code out}, opening the blob at the range's first
   * byte; blocks as long as {@code out} does.
   *
   * @throws EOFException if the blob ends before the range does
   */
  public static void copy(Blob blob, ByteRange range, WritableByteChannel out, BufferLender buffers)
      throws IOException {
    try (ReadableByteChannel in = blob.open(range.first(), range.length())) {
      long remaining = range.length();
      while (remaining > 0) {
        ByteBuffer buffer = buffers.borrow(remaining);
        if (buffer.remaining() > remaining) {
          buffer.limit(buffer.position() + (int) remaining);
        }
        int read = in.read(buffer);
        if (read < 0) {
          throw new EOFException(
              "blob ended "
                  + remaining
                  + " bytes before the end of range "
                  + range
                  + " (it was "
                  + blob.size()
                  + " bytes when planned)");
        }
        remaining -= read;
        buffer.flip();
        writeFully(buffer, out);
        buffers.giveBack(buffer); // not after a failure: an interrupted write may still hold it
      }
    }
  }

  /** Writes every remaining byte of {@code buffer}. */
  public static void writeFully(ByteBuffer buffer, WritableByteChannel out) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }
}
