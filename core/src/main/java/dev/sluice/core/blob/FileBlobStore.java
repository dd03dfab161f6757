package dev.sluice.core.blob;

import dev.sluice.core.Receipt;
import dev.sluice.core.Secrets;
import dev.sluice.core.Sink;
import dev.sluice.core.file.TemporaryFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

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
 * hand). Commits and deletes of one key are serialised within the process, and a {@link
 * Precondition} is tested under the key's lock at commit; across processes the renames are still
 * atomic and a sidecar left stale by a race is detected and ignored, but a precondition is only
 * checked within one process.
 *
 * <p>Folders exist only for the keys under them: deleting or aborting the last object of a folder
 * removes the folder (a concurrent create in it re-creates it and retries), and an empty folder
 * left by a crash does not block the key of the same name. Temporary files left by a crash ({@code
 * .sluice-*.tmp}) are swept when the store opens and then periodically, once older than {@code
 * staleAfter} (see {@link Builder#staleAfter}).
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

  /** How many objects' metadata a store keeps in memory for the next read of them. */
  private static final int SIDECARS_CACHED = 1024;

  /** How old a temporary file must be before a sweep deletes it, by default: one hour. */
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofHours(1);

  /** One daemon thread sweeps every store of the process. */
  private static final ScheduledExecutorService SWEEPER =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("sluice-file-store-sweeper").factory());

  private final Path root;
  private final Path metadata;
  private final Duration staleAfter;
  private final Lock[] locks = new Lock[64];
  private final SidecarCache sidecars = new SidecarCache(SIDECARS_CACHED);
  private final ScheduledFuture<?> sweeps;

  private FileBlobStore(Path root, Duration staleAfter) {
    this.root = root;
    this.metadata = root.resolve(METADATA);
    this.staleAfter = staleAfter;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
    }
    long period = Math.max(1000, staleAfter.toMillis() / 2);
    this.sweeps =
        SWEEPER.scheduleWithFixedDelay(this::sweepQuietly, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * A store over {@code root}, created if missing, sweeping temporaries older than {@link
   * #DEFAULT_STALE_AFTER}.
   */
  public static FileBlobStore open(Path root) throws IOException {
    return builder(root).build();
  }

  /** Starts configuring a store over {@code root}. */
  public static Builder builder(Path root) {
    return new Builder(root);
  }

  /** The settings of a {@link FileBlobStore}; {@link #build} opens it. Not thread-safe. */
  public static final class Builder {
    private final Path root;
    private Duration staleAfter = DEFAULT_STALE_AFTER;

    private Builder(Path root) {
      if (root == null) {
        throw new NullPointerException("root == null");
      }
      this.root = root;
    }

    /**
     * Temporary files older than {@code staleAfter} (not written for that long: an upload idle
     * longer than any upload may be) are deleted when the store opens and then every {@code
     * staleAfter / 2}, until it is closed (default {@link #DEFAULT_STALE_AFTER}).
     *
     * @throws IllegalArgumentException if {@code staleAfter} is not positive
     */
    public Builder staleAfter(Duration staleAfter) {
      if (staleAfter == null || staleAfter.isNegative() || staleAfter.isZero()) {
        throw new IllegalArgumentException("staleAfter must be > 0: " + staleAfter);
      }
      this.staleAfter = staleAfter;
      return this;
    }

    /** Opens the store, creating its folder if missing, and sweeps stale temporary files. */
    public FileBlobStore build() throws IOException {
      Path absolute = root.toAbsolutePath().normalize();
      Files.createDirectories(absolute);
      FileBlobStore store = new FileBlobStore(absolute, staleAfter);
      store.sweep();
      return store;
    }
  }

  /** Ready when the store's folder still exists and this process may write into it. */
  @Override
  public void checkReady() throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("the store folder is gone");
    }
    if (!Files.isWritable(root)) {
      throw new IOException("the store folder is not writable");
    }
  }

  /**
   * Deletes the temporary files (and then empty folders) that no upload has written for {@code
   * staleAfter}: those a killed process left. Returns how many files it deleted.
   */
  public int sweep() throws IOException {
    Instant cutoff = Instant.now().minus(staleAfter);
    AtomicInteger deleted = new AtomicInteger();
    if (!Files.isDirectory(root)) {
      return 0;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
            boolean foreign = !dir.equals(root) && name.startsWith(".") && !dir.equals(metadata);
            return foreign ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (attributes.isRegularFile()
                && TemporaryFile.isTemporary(file.getFileName().toString())
                && attributes.lastModifiedTime().toInstant().isBefore(cutoff)) {
              try {
                Files.deleteIfExists(file);
                deleted.incrementAndGet();
                removeEmptyFolders(file.getParent());
              } catch (IOException e) {
                // in use or already gone: the next sweep sees it again
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE; // deleted while walking
          }
        });
    return deleted.get();
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (IOException | RuntimeException e) {
      // the next sweep tries again; a store whose folder is gone has nothing to sweep
    }
  }

  /**
   * Removes {@code folder} and then its parents while they are empty, up to (not including) the
   * store's root or its metadata folder. A create racing this re-creates the folder and retries.
   */
  private void removeEmptyFolders(Path folder) {
    for (Path dir = folder;
        dir != null && dir.startsWith(root) && !dir.equals(root) && !dir.equals(metadata);
        dir = dir.getParent()) {
      try {
        Files.delete(dir);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        return;
      } catch (IOException e) {
        return; // not a folder, or not ours to remove: leave it
      }
    }
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
    return BlobSink.of(checkedWriter(key, spec), spec.expectedSha256());
  }

  /** A writer for {@code key}, once the key, the spec and the folders allow one. */
  private FileBlobWriter checkedWriter(String key, BlobSpec spec) throws IOException {
    Path target = dataPath(key);
    checkSpec(spec);
    if (Files.isDirectory(target) && !removeEmptyTree(target)) {
      throw new FileSystemException(
          key, null, "cannot store an object under this key: it is a folder of other objects");
    }
    if (TemporaryFile.blockedByAFile(target.getParent())) {
      throw new FileSystemException(
          key, null, "cannot store an object under this key: a prefix of it is an object");
    }
    if (spec.precondition() != Precondition.NONE && !satisfies(key, spec.precondition())) {
      throw new PreconditionFailedException(key);
    }
    return new FileBlobWriter(key, target, sidecarPath(key), spec, lockOf(key), new Folders());
  }

  /**
   * Publishes {@code staged}, a complete file on this store's file system (a resumable upload's
   * staging file, say), as the blob under {@code key}: the same checks, lock, precondition and
   * atomic rename as a committed {@link #create} sink, without copying a byte. {@code sha256} is
   * the file's hex SHA-256, which the caller computed; the spec's expected hash is checked against
   * it. The file is moved, or deleted if publishing fails.
   *
   * @throws IllegalArgumentException as {@link #create} does
   * @throws java.nio.file.FileAlreadyExistsException, {@link PreconditionFailedException} or {@link
   *     dev.sluice.core.DigestMismatchException} when the blob may not be published
   */
  public Receipt publish(String key, BlobSpec spec, Path staged, String sha256) throws IOException {
    BlobSink sink;
    try {
      FileBlobWriter writer = checkedWriter(key, spec);
      writer.adopt(staged);
      sink = BlobSink.of(writer, spec.expectedSha256());
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(staged);
      throw e;
    }
    return sink.commitWritten(sha256, Files.size(staged));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The file is opened first and described from attributes read around the open (see {@link
   * FileBlob}), so the blob is the version it found even if the key is replaced or deleted next.
   */
  @Override
  public Optional<Blob> find(String key) throws IOException {
    Path sidecarPath = sidecarPath(key);
    return FileBlob.pin(
            dataPath(key),
            pinned -> {
              Optional<Sidecar> sidecar = sidecars.read(sidecarPath, pinned.attributes());
              return pinned.describe(
                  sidecar.map(Sidecar::contentType).orElse(null),
                  sidecar.map(Sidecar::sha256).orElse(null));
            })
        .map(Blob.class::cast);
  }

  @Override
  public boolean delete(String key, Precondition precondition) throws IOException {
    Path path = dataPath(key);
    Lock lock = lockOf(key);
    lock.lock();
    try {
      if (!satisfies(key, precondition)) {
        throw new PreconditionFailedException(key);
      }
      if (!Files.isRegularFile(path)) {
        return false;
      }
      boolean deleted = Files.deleteIfExists(path);
      Files.deleteIfExists(sidecarPath(key));
      removeEmptyFolders(path.getParent());
      removeEmptyFolders(sidecarPath(key).getParent());
      return deleted;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether {@code precondition} holds for the key's current version, described as {@link FileBlob}
   * would (without opening it). Callers hold the key's lock.
   */
  private boolean satisfies(String key, Precondition precondition) throws IOException {
    if (precondition == Precondition.NONE) {
      return true;
    }
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(dataPath(key), BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return precondition.holds(null, null);
    }
    if (!attributes.isRegularFile()) {
      return precondition.holds(null, null);
    }
    Optional<Sidecar> sidecar = sidecars.read(sidecarPath(key), attributes);
    String etag =
        '"' + sidecar.map(Sidecar::sha256).orElseGet(() -> FileBlob.identity(attributes)) + '"';
    return precondition.holds(etag, attributes.lastModifiedTime().toInstant());
  }

  /**
   * Removes {@code dir} if it holds nothing but empty folders (left by a crash, say); false if it
   * holds a file.
   */
  private static boolean removeEmptyTree(Path dir) {
    try (var children = Files.list(dir)) {
      for (Path child : (Iterable<Path>) children::iterator) {
        if (!Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)
            || !removeEmptyTree(child)) {
          return false;
        }
      }
    } catch (NoSuchFileException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
    try {
      Files.deleteIfExists(dir);
      return true;
    } catch (IOException e) {
      return false; // a create raced in: the folder is in use again
    }
  }

  /** What the writers ask of the store's folders. */
  private final class Folders implements FileBlobWriter.Folders {
    @Override
    public boolean satisfies(String key, Precondition precondition) throws IOException {
      return FileBlobStore.this.satisfies(key, precondition);
    }

    @Override
    public void removeEmpty(Path folder) {
      removeEmptyFolders(folder);
    }

    @Override
    public boolean removeEmptyTree(Path dir) {
      return FileBlobStore.removeEmptyTree(dir);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Walks the folders in key order ({@link FileListing}), holding at most {@code 1024} names per
   * folder level; ETag and content type come from each file's sidecar, as {@link #find} gives them.
   * Files the store did not write (copied in by hand) are listed like blobs; names no key is stored
   * as (beginning with {@code .}) are skipped.
   */
  @Override
  public Stream<BlobEntry> list(String prefix, String after) throws IOException {
    FileListing listing =
        new FileListing(
            root, prefix == null ? "" : prefix, after == null ? "" : after, new Describer());
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(
            listing, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT),
        false);
  }

  /**
   * Describes a listing's files as {@link #find} would; one per listing, so it may remember the
   * last sidecar folder it looked for: files copied in by hand have none, and a folder of them then
   * costs one look, not a failed open per file.
   */
  private final class Describer implements FileListing.Describer {
    private Path sidecarFolder;
    private boolean sidecarFolderExists;

    @Override
    public Optional<BlobEntry> describe(String key, Path file) throws IOException {
      Path sidecar = sidecarPath(key);
      if (!sidecar.getParent().equals(sidecarFolder)) {
        sidecarFolder = sidecar.getParent();
        sidecarFolderExists = Files.isDirectory(sidecarFolder);
      }
      return entry(key, file, sidecarFolderExists ? sidecar : null);
    }
  }

  /**
   * The listing entry of the file holding {@code key}, with the metadata of {@code sidecarPath}
   * (null: none) when it still matches the file.
   */
  private static Optional<BlobEntry> entry(String key, Path file, Path sidecarPath)
      throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return Optional.empty(); // deleted since the folder was read
    }
    if (!attributes.isRegularFile()) {
      return Optional.empty();
    }
    Optional<Sidecar> sidecar =
        sidecarPath == null ? Optional.empty() : Sidecar.readDescribing(sidecarPath, attributes);
    String etag =
        '"' + sidecar.map(Sidecar::sha256).orElseGet(() -> FileBlob.identity(attributes)) + '"';
    return Optional.of(
        new BlobEntry(
            key,
            attributes.size(),
            etag,
            attributes.lastModifiedTime().toInstant(),
            sidecar.map(Sidecar::contentType).orElse("application/octet-stream")));
  }

  /** Stops the periodic sweeps. */
  @Override
  public void close() {
    sweeps.cancel(false);
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

  static String encode(String segment) {
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
