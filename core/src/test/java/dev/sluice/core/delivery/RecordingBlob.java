package dev.sluice.core.delivery;

import dev.sluice.core.blob.Blob;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A blob over bytes that records every region opened and every byte read, and serves at most {@code
 * maxRead} bytes per read call, so tests can check that delivery seeks rather than reading and
 * discarding.
 */
final class RecordingBlob implements Blob {

  private final byte[] bytes;
  private final int maxRead;
  final List<ByteRange> opened = new ArrayList<>();
  long bytesRead;
  int openChannels;

  RecordingBlob(byte[] bytes, int maxRead) {
    this.bytes = bytes;
    this.maxRead = maxRead;
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public String etag() {
    return "\"rec\"";
  }

  @Override
  public Instant lastModified() {
    return Instant.parse("2026-01-01T00:00:00Z");
  }

  @Override
  public String contentType() {
    return "application/x-test";
  }

  @Override
  public Optional<String> sha256() {
    return Optional.empty();
  }

  @Override
  public ReadableByteChannel open(long offset, long length) {
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new IllegalArgumentException("bad region " + offset + "+" + length);
    }
    opened.add(ByteRange.ofLength(offset, length));
    openChannels++;
    return new ReadableByteChannel() {
      long position = offset;
      final long end = offset + length;
      boolean open = true;

      @Override
      public int read(ByteBuffer dst) throws IOException {
        if (!open) {
          throw new IOException("closed");
        }
        if (position == end) {
          return -1;
        }
        int n = (int) Math.min(Math.min(dst.remaining(), end - position), maxRead);
        dst.put(bytes, (int) position, n);
        position += n;
        bytesRead += n;
        return n;
      }

      @Override
      public boolean isOpen() {
        return open;
      }

      @Override
      public void close() {
        if (open) {
          openChannels--;
        }
        open = false;
      }
    };
  }
}
