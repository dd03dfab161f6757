package dev.sluice.redis.internal;

import dev.sluice.core.Source;
import dev.sluice.core.blob.Blob;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads a whole {@link Blob} as a {@link Source} of known length; closing it also runs {@code
 * onClose} (e.g. closing the client the blob came from).
 */
public final class BlobSource implements Source {

  private final Blob blob;
  private final ReadableByteChannel channel;
  private final AutoCloseable onClose;

  public BlobSource(Blob blob, AutoCloseable onClose) throws IOException {
    this.blob = blob;
    this.channel = blob.open(0, blob.size());
    this.onClose = onClose;
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    return channel.read(into);
  }

  @Override
  public long length() {
    return blob.size();
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      try {
        onClose.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("closing " + blob + " failed", e);
      }
    }
  }

  @Override
  public String toString() {
    return blob.toString();
  }
}
