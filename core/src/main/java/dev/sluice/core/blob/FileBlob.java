package dev.sluice.core.blob;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A regular file as a {@link Blob}, as it was when found: size, modification time and identity are
 * a snapshot, and {@link #openChannel()} refuses a file that has changed since, so the bytes served
 * always belong to the {@link #etag()} announced.
 *
 * <p>The HTTP layer may bypass {@link #open} and read {@link #openChannel()} positionally, or hand
 * it to a zero-copy path.
 */
public final class FileBlob implements Blob {

  private final Path path;
  private final long size;
  private final FileTime modified;
  private final Object fileKey;
  private final String contentType;
  private final String sha256;
  private final String etag;

  FileBlob(Path path, BasicFileAttributes attributes, String contentType, String sha256) {
    this.path = path;
    this.size = attributes.size();
    this.modified = attributes.lastModifiedTime();
    this.fileKey = attributes.fileKey();
    this.contentType = contentType == null ? "application/octet-stream" : contentType;
    this.sha256 = sha256;
    this.etag = sha256 != null ? '"' + sha256 + '"' : '"' + identity(attributes) + '"';
  }

  /**
   * The regular file at {@code path}, its type guessed from its name ({@code
   * application/octet-stream} when unknown) and its ETag derived from its size, modification time
   * and file identity.
   *
   * @throws NoSuchFileException if there is no regular file at {@code path}
   */
  public static FileBlob of(Path path) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) {
      throw new NoSuchFileException(path.toString(), null, "not a regular file");
    }
    return new FileBlob(path, attributes, Files.probeContentType(path), null);
  }

  /** The size, modification time and file identity as an opaque tag. */
  static String identity(BasicFileAttributes attributes) {
    Instant time = attributes.lastModifiedTime().toInstant();
    return Long.toHexString(attributes.size())
        + "-"
        + Long.toHexString(time.getEpochSecond())
        + Integer.toHexString(time.getNano())
        + "-"
        + Integer.toHexString(Objects.hashCode(attributes.fileKey()));
  }

  /** Where the file is. */
  public Path path() {
    return path;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public String etag() {
    return etag;
  }

  @Override
  public Instant lastModified() {
    return modified.toInstant();
  }

  @Override
  public String contentType() {
    return contentType;
  }

  @Override
  public Optional<String> sha256() {
    return Optional.ofNullable(sha256);
  }

  /**
   * Opens the file for reading, checking it is still the file that was found (same identity, size
   * and modification time). The caller closes the channel; read it positionally ({@link
   * FileChannel#read(java.nio.ByteBuffer, long)}, {@link FileChannel#transferTo}).
   *
   * @throws IOException if the file is gone or has changed since it was found
   */
  public FileChannel openChannel() throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
      if (!Objects.equals(now.fileKey(), fileKey)
          || !now.lastModifiedTime().equals(modified)
          || channel.size() != size) {
        throw new IOException(
            path + " changed since it was found (was " + size + " bytes, " + modified + ")");
      }
      return channel;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** A channel over the region, reading the file positionally. */
  @Override
  public ReadableByteChannel open(long offset, long length) throws IOException {
    Regions.check(offset, length, size);
    return new FileRegionChannel(openChannel(), offset, length);
  }

  @Override
  public String toString() {
    return "file(" + path + ")";
  }
}
