package dev.sluice.core;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Writes to an {@link OutputStream} (stdout, a socket). A stream cannot take back what it sent: an
 * abort only stops writing and closes it (unless told to leave it open).
 */
final class OutputStreamSink implements Sink {

  private final OutputStream out;
  private final String name;
  private final boolean closeOnEnd;
  private byte[] scratch;
  private long written;

  public OutputStreamSink(OutputStream out, String name, boolean closeOnEnd) {
    this.out = out;
    this.name = name;
    this.closeOnEnd = closeOnEnd;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    int length = chunk.remaining();
    if (chunk.hasArray()) {
      out.write(chunk.array(), chunk.arrayOffset() + chunk.position(), length);
      chunk.position(chunk.limit());
    } else {
      if (scratch == null) {
        scratch = new byte[64 * 1024];
      }
      while (chunk.hasRemaining()) {
        int n = Math.min(scratch.length, chunk.remaining());
        chunk.get(scratch, 0, n);
        out.write(scratch, 0, n);
      }
    }
    written += length;
  }

  @Override
  public Receipt commit() throws IOException {
    try {
      out.flush();
      if (closeOnEnd) {
        out.close();
      }
      return Receipt.of(name).with("bytes", written);
    } catch (IOException | RuntimeException e) {
      abort(e);
      throw e;
    }
  }

  @Override
  public void abort(Throwable cause) {
    if (!closeOnEnd) {
      return;
    }
    try {
      out.close();
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
