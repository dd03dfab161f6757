package dev.sluice.core.blob;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.time.Instant;
import java.util.Optional;

/**
 * A stored object that can be read from any offset: a file, an S3 object, a PostgreSQL large
 * object, a chunked Redis blob. Delivery (ranges, conditionals) is built on this alone.
 */
public interface Blob extends java.io.Closeable {

  /** Size in bytes. */
  long size();

  /** A strong entity tag, quoted as HTTP sends it, e.g. {@code "\"5d41402a\""}. */
  String etag();

  /** When the content last changed. */
  Instant lastModified();

  /** The media type stored with the object, e.g. {@code application/octet-stream}. */
  String contentType();

  /** The hex SHA-256 of the content, when the store knows it. */
  Optional<String> sha256();

  /**
   * Opens a channel over {@code length} bytes from {@code offset}; the store seeks (a positional
   * read, a ranged GET, {@code lo_lseek}) rather than reading and discarding. Closing the channel
   * releases whatever backs it (an HTTP stream, a cursor).
   *
   * @throws IllegalArgumentException if the region is not within {@code 0..size()}
   */
  ReadableByteChannel open(long offset, long length) throws IOException;

  /**
   * The region check every {@link #open} makes, with one message: throws unless {@code
   * offset..offset+length} lies within {@code 0..size}.
   *
   * @throws IllegalArgumentException naming the region and the size
   */
  static void checkRegion(long offset, long length, long size) {
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new IllegalArgumentException(
          "region of "
              + length
              + " bytes at "
              + offset
              + " is not within the blob's "
              + size
              + " bytes");
    }
  }

  /**
   * Releases what pins this version (an open file, say); channels already opened may fail after.
   * Idempotent; the default does nothing.
   */
  @Override
  default void close() throws IOException {}
}
