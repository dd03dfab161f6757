package dev.sluice.core.blob;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/** Factories for the built-in {@link Blob}s. */
public final class Blobs {

  private Blobs() {}

  /**
   * A plain file, for delivery without a store: type from the file name, ETag from size,
   * modification time and file identity. The file is open until the blob is closed (see {@link
   * FileBlob}).
   *
   * @throws java.nio.file.NoSuchFileException if there is no regular file at {@code path}
   */
  public static FileBlob file(Path path) throws IOException {
    return FileBlob.of(path);
  }

  /**
   * A blob over a copy of {@code bytes}; for tests and small generated content.
   *
   * @param etag the entity tag, quoted, e.g. {@code "\"v1\""}
   */
  public static Blob of(byte[] bytes, String etag, Instant lastModified, String contentType) {
    return new ByteArrayBlob(bytes.clone(), etag, lastModified, contentType);
  }
}
