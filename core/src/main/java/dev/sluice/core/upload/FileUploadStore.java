package dev.sluice.core.upload;

import dev.sluice.core.Receipt;
import dev.sluice.core.blob.BlobSpec;
import dev.sluice.core.blob.FileBlobStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
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

  private static final int HASH_BUFFER = 64 * 1024;

  private final FileBlobStore objects;
  private final Path folder;
  private final Clock clock;
  private final AppendTracker appends = new AppendTracker();

  private FileUploadStore(FileBlobStore objects, Path folder, Clock clock) {
    this.objects = objects;
    this.folder = folder;
    this.clock = clock;
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
    Upload upload = Upload.of(spec, clock.instant());
    String id = upload.id();
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
    if (!Upload.isId(id)) {
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
  public Optional<Upload> recorded(String id) throws IOException {
    return Upload.isId(id) ? Manifest.read(manifest(id), 0) : Optional.empty();
  }

  @Override
  public Optional<Upload> settle(String id) throws IOException {
    return appends.settle(id, () -> find(id));
  }

  @Override
  public UploadAppend append(String id, long offset) throws IOException {
    return appends.exclusive(
        id,
        () -> {
          Upload upload = existing(id);
          UploadPreconditions.requireAppendable(upload, offset);
          FileChannel channel = FileChannel.open(data(id), StandardOpenOption.WRITE);
          try {
            channel.position(offset);
          } catch (IOException e) {
            channel.close();
            throw e;
          }
          FileUploadAppend append =
              new FileUploadAppend(
                  this,
                  appends.lifecycle(id, offset, upload.length()),
                  channel,
                  appends.digestAt(id, offset));
          appends.started(append.lifecycle());
          return append;
        });
  }

  @Override
  public Upload declareLength(String id, long length) throws IOException {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0: " + length);
    }
    return appends.exclusive(
        id,
        () -> {
          Upload upload = existing(id);
          if (!UploadPreconditions.needsDeclaring(upload, length)) {
            return upload;
          }
          Upload declared = upload.withLength(length);
          Manifest.write(manifest(id), declared);
          return declared;
        });
  }

  @Override
  public Receipt complete(String id) throws IOException {
    return appends.exclusive(
        id,
        () -> {
          Upload upload = existing(id);
          UploadPreconditions.requireCompletable(upload);
          byte[] running = appends.takeDigest(id, upload.offset());
          String sha256 = HexFormat.of().formatHex(running != null ? running : hashFile(data(id)));
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
        });
  }

  @Override
  public boolean cancel(String id) throws IOException {
    return appends.cancel(id, () -> discard(id));
  }

  private boolean discard(String id) throws IOException {
    appends.forget(id);
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

  private Upload existing(String id) throws IOException {
    return find(id).orElseThrow(() -> UploadPreconditions.notFound(id));
  }

  private static byte[] hashFile(Path file) throws IOException {
    MessageDigest digest = AppendTracker.sha256();
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
}
