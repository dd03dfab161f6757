package dev.sluice.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses gzip (RFC 1952, several members allowed) as it arrives, verifying each member's
 * CRC-32 and size, and failing with {@link LimitExceededException} when the output would exceed its
 * maximum — the defence against decompression bombs.
 */
final class GunzipSink extends ForwardingSink {

  private static final int MAX_HEADER = 64 * 1024;

  /** What the inflater holds between writes instead of the engine's chunk. */
  private static final byte[] NO_INPUT = {};

  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private enum State {
    HEADER,
    BODY,
    TRAILER,
    BETWEEN
  }

  private final long maxOutput;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private final ByteBuffer out;
  private final byte[] small = new byte[MAX_HEADER];
  private State state = State.HEADER;
  private int smallLength;
  private long inputOffset;
  private long memberSize;
  private long totalOut;

  public GunzipSink(Sink downstream, long maxOutput, int bufferSize) {
    super(downstream);
    if (maxOutput < 0) {
      throw new IllegalArgumentException("maxOutput must be >= 0: " + maxOutput);
    }
    this.maxOutput = maxOutput;
    this.out = ByteBuffer.allocateDirect(bufferSize);
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    while (chunk.hasRemaining()) {
      switch (state) {
        case HEADER, BETWEEN -> readHeaderByte(chunk);
        case BODY -> inflate(chunk);
        case TRAILER -> readTrailerByte(chunk);
      }
    }
  }

  private void readHeaderByte(ByteBuffer chunk) throws IOException {
    if (smallLength == MAX_HEADER) {
      throw invalid("gzip header longer than " + MAX_HEADER + " bytes");
    }
    small[smallLength++] = chunk.get();
    inputOffset++;
    if (smallLength == 2 && ((small[0] & 0xff) != 0x1f || (small[1] & 0xff) != 0x8b)) {
      throw invalid(
          state == State.BETWEEN
              ? "trailing bytes after the last gzip member are not a gzip member"
              : "not gzip: the stream does not start with 1f 8b");
    }
    if (smallLength == 3 && small[2] != 8) {
      throw invalid("unsupported gzip compression method " + small[2] + " (only 8, deflate)");
    }
    int headerLength = completeHeaderLength();
    if (headerLength > 0) {
      smallLength = 0;
      crc.reset();
      inflater.reset();
      memberSize = 0;
      state = State.BODY;
    }
  }

  /** The length of the header in {@code small} if it is complete, else -1. */
  private int completeHeaderLength() {
    if (smallLength < 10) {
      return -1;
    }
    int flags = small[3] & 0xff;
    int at = 10;
    if ((flags & FEXTRA) != 0) {
      if (smallLength < at + 2) {
        return -1;
      }
      at += 2 + ((small[at] & 0xff) | (small[at + 1] & 0xff) << 8);
    }
    for (int flag : new int[] {FNAME, FCOMMENT}) {
      if ((flags & flag) != 0) {
        while (at < smallLength && small[at] != 0) {
          at++;
        }
        if (at >= smallLength) {
          return -1;
        }
        at++;
      }
    }
    if ((flags & FHCRC) != 0) {
      at += 2;
    }
    return smallLength >= at ? at : -1;
  }

  private void inflate(ByteBuffer chunk) throws IOException {
    int before = chunk.position();
    inflater.setInput(chunk);
    try {
      while (!inflater.finished() && !inflater.needsInput()) {
        int start = out.position();
        int n = inflater.inflate(out);
        if (n > 0) {
          crc.update(out.duplicate().flip().position(start));
          memberSize += n;
          totalOut += n;
          if (totalOut > maxOutput) {
            throw new LimitExceededException("decompressed size", maxOutput);
          }
        }
        if (!out.hasRemaining()) {
          flush();
        } else if (n == 0 && inflater.needsDictionary()) {
          throw invalid("gzip member needs a preset dictionary");
        }
      }
    } catch (DataFormatException e) {
      throw new InvalidInputException(
          "corrupt gzip data near input byte " + inputOffset + ": " + e.getMessage(), e);
    } finally {
      inputOffset += chunk.position() - before;
      inflater.setInput(NO_INPUT); // the engine reuses the chunk once write returns
    }
    if (inflater.finished()) {
      state = State.TRAILER;
    }
  }

  private void readTrailerByte(ByteBuffer chunk) throws IOException {
    small[smallLength++] = chunk.get();
    inputOffset++;
    if (smallLength < 8) {
      return;
    }
    long expectedCrc = littleEndianInt(0);
    long expectedSize = littleEndianInt(4);
    if (expectedCrc != crc.getValue()) {
      throw invalid(
          String.format(
              "gzip CRC-32 mismatch: trailer says %08x, data gives %08x",
              expectedCrc, crc.getValue()));
    }
    if (expectedSize != (memberSize & 0xffffffffL)) {
      throw invalid(
          "gzip size mismatch: trailer says " + expectedSize + ", data gives " + memberSize);
    }
    smallLength = 0;
    state = State.BETWEEN;
  }

  private long littleEndianInt(int at) {
    return (small[at] & 0xffL)
        | (small[at + 1] & 0xffL) << 8
        | (small[at + 2] & 0xffL) << 16
        | (small[at + 3] & 0xffL) << 24;
  }

  private void flush() throws IOException {
    out.flip();
    while (out.hasRemaining()) {
      downstream.write(out);
    }
    out.clear();
  }

  private InvalidInputException invalid(String rule) {
    return new InvalidInputException(rule + " (input byte " + inputOffset + ")");
  }

  @Override
  protected void beforeCommit() throws IOException {
    try {
      if (state == State.HEADER && smallLength == 0) {
        throw invalid("not gzip: the stream is empty");
      }
      if (state != State.BETWEEN || smallLength != 0) {
        throw invalid("gzip stream ends in the middle of a member");
      }
      flush();
    } finally {
      inflater.end();
    }
  }

  @Override
  public void abort(Throwable cause) {
    inflater.end();
    super.abort(cause);
  }

  @Override
  protected String name() {
    return "gunzip(max " + maxOutput + ")";
  }
}
