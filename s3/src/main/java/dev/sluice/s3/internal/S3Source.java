package dev.sluice.s3.internal;

import dev.sluice.core.Source;
import dev.sluice.core.blob.Blob;
import dev.sluice.s3.S3Location;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Streams a region of an S3 object through one (ranged) GET; its length is known from the HEAD.
 * Closing it before the end aborts the GET.
 */
public final class S3Source implements Source {

  private final S3Location location;
  private final ReadableByteChannel channel;
  private final long length;

  /** Opens {@code length} bytes of {@code blob} from {@code offset}. */
  public S3Source(S3Location location, Blob blob, long offset, long length) throws IOException {
    this.location = location;
    this.length = length;
    this.channel = blob.open(offset, length);
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    return channel.read(into);
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "s3(" + location.bucket() + "/" + location.key() + ")";
  }
}
