package dev.sluice.core.blob;

import dev.sluice.core.Secrets;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link BlobStore} over a folder: key {@code a/b/c} is the file {@code a/b/c} under the root, so
 * a key cannot be both an object and a prefix of another ({@code a} and {@code a/b}); the second is
 * refused with a {@link FileSystemException} naming the key.
 *
 * <p>Writes go to a hidden temporary file in the target's folder and are renamed into place on
 * commit; the content type and SHA-256 go to a sidecar file under {@code .sluice-meta/}, also
 * renamed into place. Names beginning with {@code .} belong to the store: a key segment beginning
 * with {@code .} is stored as {@code %2E…} (and {@code %} as {@code %25}), so no key can collide
 * with a temporary or metadata file; anything else kept under the root (an embedded database, say)
 * belongs under such a name too. The file system limits a segment to 255 bytes once encoded.
 *
 * <p>Blobs are {@link FileBlob}s: ETag {@code "<sha256>"} when the sidecar matches the file,
 * otherwise one derived from size, modification time and file identity (e.g. a file copied in by
 * hand). Commits and deletes of one key are serialised within the process; across processes the
 * renames are still atomic, and a sidecar left stale by a race is detected and ignored.
 *
 * {@snippet :
 * try (BlobStore store = FileBlobStore.open(Path.of("sluice-data"))) {
 *   Sink sink = store.create("videos/a.mp4", new BlobSpec("video/mp4", false, null));
 *   // … write, then
 *   Receipt receipt = sink.commit(); // details: sha256, bytes, etag
 * }
 * }
 */
public final class FileBlobStore implements BlobStore {

  /** The longest file name most file systems allow, in bytes. */
  private static final int MAX_SEGMENT_BYTES = 255;

  private static final String METADATA = ".sluice-meta";

  private final Path root;
  private final Path metadata;
  private final Lock[] locks = new Lock[64];

  private FileBlobStore(Path root) {
    this.root = root;
    this.metadata = root.resolve(METADATA);
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /** A store over {@code root}, created if missing. */
  public static FileBlobStore open(Path root) throws IOException {
    Path absolute = root.toAbsolutePath().normalize();
    Files.createDirectories(absolute);
    return new FileBlobStore(absolute);
  }

  /** The folder the store keeps its blobs in. */
  public Path root() {
    return root;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if the key breaks {@link ObjectKeys#validate} or a segment is
   *     too long for a file name, or {@code spec.expectedSha256()} is not 64 hex digits
   * @throws java.nio.file.FileAlreadyExistsException if the key exists and {@code spec.overwrite()}
   *     is false (checked now and again, atomically, on commit)
   */
  @Override
  public Sink create(String key, BlobSpec spec) throws IOException {
    Path target = dataPath(key);
    checkSpec(spec);
    if (Files.isDirectory(target)) {
      throw new FileSystemException(
          key, null, "cannot store an object under this key: it is a folder of other objects");
    }
    for (Path folder = target.getParent(); !folder.equals(root); folder = folder.getParent()) {
      if (Files.exists(folder) && !Files.isDirectory(folder)) {
        throw new FileSystemException(
            key, null, "cannot store an object under this key: a prefix of it is an object");
      }
    }
    return new FileBlobSink(key, target, sidecarPath(key), spec, lockOf(key));
  }

  @Override
  public Optional<Blob> find(String key) throws IOException {
    Path path = dataPath(key);
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (!attributes.isRegularFile()) {
      return Optional.empty();
    }
    Optional<Sidecar> sidecar =
        Sidecar.read(sidecarPath(key)).filter(found -> found.describes(attributes));
    return Optional.of(
        new FileBlob(
            path,
            attributes,
            sidecar.map(Sidecar::contentType).orElse(null),
            sidecar.map(Sidecar::sha256).orElse(null)));
  }

  @Override
  public boolean delete(String key) throws IOException {
    Path path = dataPath(key);
    Lock lock = lockOf(key);
    lock.lock();
    try {
      if (!Files.isRegularFile(path)) {
        return false;
      }
      boolean deleted = Files.deleteIfExists(path);
      Files.deleteIfExists(sidecarPath(key));
      return deleted;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String describe() {
    return Secrets.redact("file:" + root);
  }

  @Override
  public String toString() {
    return "FileBlobStore(" + root + ")";
  }

  private Path dataPath(String key) {
    return resolve(root, key);
  }

  private Path sidecarPath(String key) {
    return resolve(metadata, key);
  }

  /** {@code base} plus the key's segments, each encoded so that none begins with {@code .}. */
  private static Path resolve(Path base, String key) {
    ObjectKeys.validate(key);
    Path path = base;
    for (String segment : key.split("/")) {
      String name = encode(segment);
      int bytes = name.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_SEGMENT_BYTES) {
        throw new IllegalArgumentException(
            "invalid key \""
                + ObjectKeys.printable(key)
                + "\": a segment is "
                + bytes
                + " bytes once stored as a file name, more than the file store's limit of "
                + MAX_SEGMENT_BYTES);
      }
      path = path.resolve(name);
    }
    return path;
  }

  private static String encode(String segment) {
    String escaped = segment.replace("%", "%25");
    return escaped.startsWith(".") ? "%2E" + escaped.substring(1) : escaped;
  }

  private static void checkSpec(BlobSpec spec) {
    String expected = spec.expectedSha256();
    if (expected != null && !expected.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException(
          "expectedSha256 must be 64 hex digits: \"" + ObjectKeys.printable(expected) + "\"");
    }
    for (char c : spec.contentType().toCharArray()) {
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "contentType must not contain control characters: \""
                + ObjectKeys.printable(spec.contentType())
                + "\"");
      }
    }
  }

  private Lock lockOf(String key) {
    return locks[Math.floorMod(key.hashCode(), locks.length)];
  }
}
