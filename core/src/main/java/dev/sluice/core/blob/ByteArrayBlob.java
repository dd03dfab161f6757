package dev.sluice.core.blob;

import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.time.Instant;
import java.util.Optional;

/** A blob over a byte array the caller must not change afterwards; for tests and small content. */
final class ByteArrayBlob implements Blob {

  private final byte[] bytes;
  private final String etag;
  private final Instant lastModified;
  private final String contentType;

  public ByteArrayBlob(byte[] bytes, String etag, Instant lastModified, String contentType) {
    this.bytes = bytes;
    this.etag = etag;
    this.lastModified = lastModified;
    this.contentType = contentType;
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public String etag() {
    return etag;
  }

  @Override
  public Instant lastModified() {
    return lastModified;
  }

  @Override
  public String contentType() {
    return contentType;
  }

  @Override
  public Optional<String> sha256() {
    return Optional.empty();
  }

  @Override
  public ReadableByteChannel open(long offset, long length) {
    Blob.checkRegion(offset, length, bytes.length);
    return Channels.newChannel(new ByteArrayInputStream(bytes, (int) offset, (int) length));
  }

  @Override
  public String toString() {
    return "bytes(" + bytes.length + ")";
  }
}
