package dev.sluice.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Compresses into one gzip member (RFC 1952); output goes downstream in full buffers. */
final class GzipSink extends ForwardingSink {

  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  /** What the deflater holds between writes instead of the engine's chunk. */
  private static final byte[] NO_INPUT = {};

  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final ByteBuffer out;
  private final int level;
  private long size;
  private boolean headerWritten;

  public GzipSink(Sink downstream, int level, int bufferSize) {
    super(downstream);
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException("gzip level must be 0..9: " + level);
    }
    this.level = level;
    this.deflater = new Deflater(level, true);
    this.out = ByteBuffer.allocateDirect(bufferSize).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    writeHeaderOnce();
    size += chunk.remaining();
    crc.update(chunk.duplicate());
    deflater.setInput(chunk);
    while (!deflater.needsInput()) {
      deflater.deflate(out, Deflater.NO_FLUSH);
      flushIfFull();
    }
    // the deflater keeps the buffer it was given and reads its remaining bytes at every later
    // deflate: the engine reuses the chunk once this returns, so it must not be that buffer
    deflater.setInput(NO_INPUT);
    chunk.position(chunk.limit());
  }

  private void writeHeaderOnce() {
    if (!headerWritten) {
      out.put(HEADER);
      headerWritten = true;
    }
  }

  private void flushIfFull() throws IOException {
    if (!out.hasRemaining()) {
      flush();
    }
  }

  private void flush() throws IOException {
    out.flip();
    while (out.hasRemaining()) {
      downstream.write(out);
    }
    out.clear();
  }

  @Override
  protected void beforeCommit() throws IOException {
    try {
      writeHeaderOnce();
      deflater.finish();
      while (!deflater.finished()) {
        deflater.deflate(out, Deflater.NO_FLUSH);
        flushIfFull();
      }
      if (out.remaining() < 8) {
        flush();
      }
      out.putInt((int) crc.getValue()).putInt((int) size);
      flush();
    } finally {
      deflater.end();
    }
  }

  @Override
  public void abort(Throwable cause) {
    deflater.end();
    super.abort(cause);
  }

  @Override
  protected String name() {
    return "gzip(" + level + ")";
  }
}
