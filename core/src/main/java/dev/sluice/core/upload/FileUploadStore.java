package dev.sluice.core.upload;

import dev.sluice.core.Receipt;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.FileBlobStore;
import dev.sluice.core.upload.UploadException.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Resumable uploads into a {@link FileBlobStore}: each upload is a staging file {@code <id>.data}
 * and a manifest {@code <id>.upload} in the store's {@code .sluice-uploads} folder (a name no key
 * can take, on the same file system as every key, so completion is a rename), and its offset is the
 * staging file's length.
 *
 * <p><b>What is forced to disk when.</b> The manifest is written to a temporary file, forced and
 * renamed at creation, when a length is declared and at completion. An append forces the staging
 * file's data when it ends, whichever way, before the new offset is reported; until then the bytes
 * are in the page cache, which survives a killed process (so a {@code kill -9} loses nothing
 * written) but not a power cut (which may lose the unforced tail of the append in progress; the
 * offset, being the file's length, then reports what the disk holds). Completion publishes the
 * staging file through {@link FileBlobStore#publish}: the same lock, precondition and atomic rename
 * as a plain upload.
 *
 * <p><b>The whole-object SHA-256.</b> A {@link MessageDigest}'s state cannot be saved portably, so
 * the store keeps, in memory, the digest of each upload's bytes up to the offset its last append
 * ended at; an append that starts there continues it (on a copy, so a discarded append leaves it as
 * it was). If the process restarted, or the digest was lost, completion re-reads the staging file
 * once to hash it: correct across any number of resumptions, and free when none was needed.
 */
public final class FileUploadStore implements UploadStore {

  /** The folder under the store's root that holds the uploads. */
  public static final String FOLDER = ".sluice-uploads";

  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  private static final Duration SUPERSEDE_WAIT = Duration.ofSeconds(30);
  private static final int HASH_BUFFER = 64 * 1024;

  private final FileBlobStore objects;
  private final Path folder;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Lock[] locks = new Lock[64];
  private final ConcurrentHashMap<String, FileUploadAppend> active = new ConcurrentHashMap<>();

  /** Per upload id: the digest of its first {@code offset} bytes. */
  private final ConcurrentHashMap<String, Hashed> hashes = new ConcurrentHashMap<>();

  record Hashed(long offset, MessageDigest digest) {}

  private FileUploadStore(FileBlobStore objects, Path folder, Clock clock) {
    this.objects = objects;
    this.folder = folder;
    this.clock = clock;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /** The uploads of {@code objects}, kept under its root. */
  public static FileUploadStore open(FileBlobStore objects) throws IOException {
    return open(objects, Clock.systemUTC());
  }

  /** As {@link #open(FileBlobStore)}, with the clock that stamps creation times. */
  public static FileUploadStore open(FileBlobStore objects, Clock clock) throws IOException {
    Path folder = objects.root().resolve(FOLDER);
    Files.createDirectories(folder);
    return new FileUploadStore(objects, folder, clock);
  }

  @Override
  public Upload create(NewUpload spec) throws IOException {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    String id = HexFormat.of().formatHex(bytes);
    Upload upload =
        new Upload(
            id,
            spec.key(),
            spec.length(),
            0,
            false,
            spec.contentType(),
            spec.metadata(),
            spec.owner(),
            clock.instant(),
            spec.expires(),
            spec.overwrite(),
            spec.expectedSha256(),
            null);
    Files.createFile(data(id));
    try {
      Manifest.write(manifest(id), upload); // the upload exists from here
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(data(id));
      throw e;
    }
    forceFolder();
    return upload;
  }

  @Override
  public Optional<Upload> find(String id) throws IOException {
    if (!ID.matcher(id).matches()) {
      return Optional.empty();
    }
    long offset;
    try {
      offset = Files.size(data(id));
    } catch (NoSuchFileException e) {
      offset = -1; // published (complete) or lost
    }
    long size = offset;
    return Manifest.read(manifest(id), Math.max(0, offset))
        .filter(upload -> upload.complete() || size >= 0);
  }

  @Override
  public Optional<Upload> settle(String id) throws IOException {
    if (!ID.matcher(id).matches()) {
      return Optional.empty();
    }
    Lock lock = lockOf(id);
    lock.lock();
    try {
      endActive(id);
      return find(id);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public UploadAppend append(String id, long offset) throws IOException {
    Lock lock = lockOf(id);
    lock.lock();
    try {
      endActive(id);
      Upload upload = existing(id);
      if (upload.complete()) {
        throw new UploadException(Problem.COMPLETED, "upload " + id + " is already complete");
      }
      if (offset != upload.offset()) {
        throw UploadException.mismatchingOffset(id, upload.offset(), offset);
      }
      FileChannel channel = FileChannel.open(data(id), StandardOpenOption.WRITE);
      try {
        channel.position(offset);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      Hashed hashed = hashes.get(id);
      MessageDigest digest =
          hashed != null && hashed.offset() == offset
              ? copy(hashed.digest())
              : offset == 0 ? sha256() : null;
      FileUploadAppend append =
          new FileUploadAppend(this, id, channel, offset, upload.length(), digest);
      active.put(id, append);
      return append;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Called by an append as it ends: {@code digest} covers the upload up to {@code offset}, or is
   * null when no digest does (completion then re-reads the file).
   */
  void ended(FileUploadAppend append, long offset, MessageDigest digest) {
    ended(append, offset, digest, false);
  }

  /**
   * As {@link #ended(FileUploadAppend, long, MessageDigest)}; {@code discarded}: the append's bytes
   * were cut off again, so the digest kept from before it still holds.
   */
  void ended(FileUploadAppend append, long offset, MessageDigest digest, boolean discarded) {
    if (digest != null) {
      hashes.put(append.id(), new Hashed(offset, digest));
    } else if (!discarded) {
      hashes.remove(append.id());
    }
    active.remove(append.id(), append);
  }

  @Override
  public Upload declareLength(String id, long length) throws IOException {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0: " + length);
    }
    Lock lock = lockOf(id);
    lock.lock();
    try {
      endActive(id);
      Upload upload = existing(id);
      if (upload.lengthKnown()) {
        if (upload.length() != length) {
          throw new UploadException(
              Problem.INCONSISTENT_LENGTH,
              "upload " + id + " was declared " + upload.length() + " bytes long, not " + length);
        }
        return upload;
      }
      if (upload.offset() > length) {
        throw new UploadException(
            Problem.INCONSISTENT_LENGTH,
            "upload " + id + " already holds " + upload.offset() + " bytes, more than " + length);
      }
      Upload declared = upload.withLength(length);
      Manifest.write(manifest(id), declared);
      return declared;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Receipt complete(String id) throws IOException {
    Lock lock = lockOf(id);
    lock.lock();
    try {
      endActive(id);
      Upload upload = existing(id);
      if (upload.complete()) {
        throw new UploadException(Problem.COMPLETED, "upload " + id + " is already complete");
      }
      if (upload.lengthKnown() && upload.offset() != upload.length()) {
        throw new UploadException(
            Problem.INCONSISTENT_LENGTH,
            "upload "
                + id
                + " holds "
                + upload.offset()
                + " bytes but was declared "
                + upload.length()
                + " bytes long");
      }
      Hashed hashed = hashes.remove(id);
      String sha256 =
          HexFormat.of()
              .formatHex(
                  hashed != null && hashed.offset() == upload.offset()
                      ? hashed.digest().digest()
                      : hashFile(data(id)));
      Receipt receipt;
      try {
        receipt =
            objects.publish(
                upload.key(),
                new BlobSpec(upload.contentType(), upload.overwrite(), upload.expectedSha256()),
                data(id),
                sha256);
      } catch (IOException | RuntimeException e) {
        discard(id); // publish deleted the staged bytes: the upload cannot complete any more
        throw e;
      }
      Upload done = upload.completed(sha256);
      Manifest.write(manifest(id), done);
      return receipt.with("upload", id).with("offset", upload.offset());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean cancel(String id) throws IOException {
    if (!ID.matcher(id).matches()) {
      return false;
    }
    Lock lock = lockOf(id);
    lock.lock();
    try {
      endActive(id);
      return discard(id);
    } finally {
      lock.unlock();
    }
  }

  private boolean discard(String id) throws IOException {
    hashes.remove(id);
    boolean existed = Files.deleteIfExists(manifest(id)); // gone from here
    Files.deleteIfExists(data(id));
    return existed;
  }

  @Override
  public List<Upload> list() throws IOException {
    List<Upload> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(".upload")) {
          find(name.substring(0, name.length() - ".upload".length())).ifPresent(all::add);
        }
      }
    }
    return all;
  }

  @Override
  public String toString() {
    return "FileUploadStore(" + folder + ")";
  }

  /** Asks the append in progress to end, and waits until it has. */
  private void endActive(String id) throws IOException {
    FileUploadAppend running = active.get(id);
    if (running == null) {
      return;
    }
    running.supersede();
    try {
      if (!running.awaitEnd(SUPERSEDE_WAIT)) {
        throw new UploadException(
            Problem.BUSY, "an earlier request to upload " + id + " has not ended yet");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for an append to end");
    }
  }

  private Upload existing(String id) throws IOException {
    return find(id).orElseThrow(() -> new UploadException(Problem.NOT_FOUND, "no upload " + id));
  }

  private static byte[] hashFile(Path file) throws IOException {
    MessageDigest digest = sha256();
    ByteBuffer buffer = ByteBuffer.allocateDirect(HASH_BUFFER);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      while (in.read(buffer) >= 0) {
        buffer.flip();
        digest.update(buffer);
        buffer.clear();
      }
    }
    return digest.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  private static MessageDigest copy(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      return null; // completion re-reads the file instead
    }
  }

  /** Makes the folder's new and renamed entries durable, where the platform allows it. */
  private void forceFolder() {
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // not every platform can open a folder; the entries are durable at the next sync
    }
  }

  /** The staging file of upload {@code id}. */
  Path dataFile(String id) {
    return data(id);
  }

  private Path data(String id) {
    return folder.resolve(id + ".data");
  }

  private Path manifest(String id) {
    return folder.resolve(id + ".upload");
  }

  private Lock lockOf(String id) {
    return locks[Math.floorMod(id.hashCode(), locks.length)];
  }
}
