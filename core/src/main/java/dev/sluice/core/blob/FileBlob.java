package dev.sluice.core.blob;

import java.io.IOException;
import java.lang.ref.Cleaner;
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
 * A regular file as a {@link Blob}, pinned when found: the file is opened first and described by
 * attributes read around that open, so size, modification time and ETag always describe the bytes
 * of the open file. A file renamed over or deleted afterwards stays readable through this blob (the
 * old inode lives while it is open), so a reader racing a replacement gets the version it found,
 * whole. {@link #close()} releases the file; a blob left unclosed is released when unreachable.
 *
 * <p>The HTTP layer may bypass {@link #open} and read {@link #openChannel()} positionally, or hand
 * it to a zero-copy path.
 */
public final class FileBlob implements Blob {

  private static final Cleaner CLEANER = Cleaner.create();

  /** How often a file that changes between the attribute reads around its open is retried. */
  private static final int ATTEMPTS = 5;

  private final Path path;
  private final FileChannel channel;
  private final Cleaner.Cleanable cleanable;
  private final long size;
  private final FileTime modified;
  private final Object fileKey;
  private final String contentType;
  private final String sha256;
  private final String etag;

  private FileBlob(
      Path path,
      FileChannel channel,
      BasicFileAttributes attributes,
      String contentType,
      String sha256) {
    this.path = path;
    this.channel = channel;
    this.cleanable = CLEANER.register(this, new Closer(channel));
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
    return pin(path, pinned -> pinned.describe(Files.probeContentType(path), null))
        .orElseThrow(() -> new NoSuchFileException(path.toString(), null, "not a regular file"));
  }

  /** Describes a pinned file: finds its content type and SHA-256 (each null when unknown). */
  interface Description {
    FileBlob describe(Pinned pinned) throws IOException;
  }

  /** An open file and its attributes, before it is described. */
  record Pinned(Path path, FileChannel channel, BasicFileAttributes attributes) {
    FileBlob describe(String contentType, String sha256) {
      return new FileBlob(path, channel, attributes, contentType, sha256);
    }
  }

  /**
   * Opens the regular file at {@code path} and reads its attributes before and after the open; when
   * they agree (same identity, time and size, which a rename-over or a rewrite changes) they
   * describe the open file. Empty when there is no regular file there.
   */
  static Optional<FileBlob> pin(Path path, Description description) throws IOException {
    for (int attempt = 1; ; attempt++) {
      BasicFileAttributes before;
      try {
        before = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
      if (!before.isRegularFile()) {
        return Optional.empty();
      }
      FileChannel channel;
      try {
        channel = FileChannel.open(path, StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        return Optional.empty(); // deleted since: a reader racing a delete finds nothing
      }
      try {
        BasicFileAttributes after = Files.readAttributes(path, BasicFileAttributes.class);
        if (same(before, after) && channel.size() == after.size()) {
          return Optional.of(description.describe(new Pinned(path, channel, after)));
        }
      } catch (NoSuchFileException e) {
        // deleted or replaced while opening: look again
      } catch (IOException | RuntimeException | Error e) {
        channel.close();
        throw e;
      }
      channel.close();
      if (attempt == ATTEMPTS) {
        throw new IOException(
            "the object kept changing while it was opened (" + ATTEMPTS + " attempts)");
      }
    }
  }

  private static boolean same(BasicFileAttributes a, BasicFileAttributes b) {
    return Objects.equals(a.fileKey(), b.fileKey())
        && a.lastModifiedTime().equals(b.lastModifiedTime())
        && a.size() == b.size()
        && b.isRegularFile();
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

  /** Where the file was found. */
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
   * The open file this blob describes, owned by the blob (closed by {@link #close()}, not by the
   * caller); read it positionally ({@link FileChannel#read(java.nio.ByteBuffer, long)}, {@link
   * FileChannel#transferTo}), never through its position.
   *
   * @throws java.nio.channels.ClosedChannelException if the blob was closed
   * @throws IOException if the file was rewritten in place since it was found (by hand: the store
   *     itself only ever renames new files into place)
   */
  public FileChannel openChannel() throws IOException {
    if (!channel.isOpen()) {
      throw new java.nio.channels.ClosedChannelException();
    }
    boolean changed = channel.size() != size;
    if (!changed) {
      try {
        BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
        changed =
            Objects.equals(now.fileKey(), fileKey) && !now.lastModifiedTime().equals(modified);
      } catch (NoSuchFileException e) {
        // deleted or replaced: the open file is still the version found
      }
    }
    if (changed) {
      throw new IOException(
          "the file changed in place since it was found (was "
              + size
              + " bytes, "
              + modified
              + ")");
    }
    return channel;
  }

  /**
   * A channel over the region, reading the pinned file positionally; closing it leaves the blob
   * open.
   */
  @Override
  public ReadableByteChannel open(long offset, long length) throws IOException {
    Blob.checkRegion(offset, length, size);
    return FileRegionChannel.shared(openChannel(), offset, length);
  }

  /** Closes the pinned file. */
  @Override
  public void close() {
    cleanable.clean();
  }

  @Override
  public String toString() {
    return "file(" + path + ")";
  }

  /** Closes the file when the blob is closed or unreachable; holds no reference to the blob. */
  private record Closer(FileChannel channel) implements Runnable {
    @Override
    public void run() {
      try {
        channel.close();
      } catch (IOException e) {
        // closing a read-only file: nothing was pending, nothing to report
      }
    }
  }
}
