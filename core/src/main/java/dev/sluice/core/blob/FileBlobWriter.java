package dev.sluice.core.blob;

import dev.sluice.core.Receipt;
import dev.sluice.core.file.FileWrites;
import dev.sluice.core.file.TemporaryFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.locks.Lock;

/**
 * Stores one blob of a file store behind a {@link BlobSink}: writes into a {@link TemporaryFile} in
 * the target's folder; on publish, holding the key's lock, moves it into place (atomically
 * replacing, or atomically refusing an existing one) and publishes its sidecar; the spec's
 * precondition is tested under that lock. A discard deletes the temporary files and the folders it
 * left empty, and leaves the store as it was. A full disk is reported as {@link
 * InsufficientStorageException}.
 */
final class FileBlobWriter implements BlobWriter {

  /** What a writer needs of its store's folders and current versions. */
  interface Folders {
    /** Whether the precondition holds for the key's current version; the caller holds its lock. */
    boolean satisfies(String key, Precondition precondition) throws IOException;

    /** Removes {@code folder} and its parents while they are empty, up to the store's root. */
    void removeEmpty(Path folder);

    /** Removes {@code dir} if it holds only empty folders; false if it holds a file. */
    boolean removeEmptyTree(Path dir);
  }

  private final String key;
  private final Path target;
  private final Path sidecar;
  private final BlobSpec spec;
  private final Lock lock;
  private final Folders folders;
  private TemporaryFile data;
  private TemporaryFile sidecarData;

  FileBlobWriter(String key, Path target, Path sidecar, BlobSpec spec, Lock lock, Folders folders)
      throws IOException {
    this.key = key;
    this.target = target;
    this.sidecar = sidecar;
    this.spec = spec;
    this.lock = lock;
    this.folders = folders;
    if (!spec.overwrite() && Files.exists(target)) {
      throw exists();
    }
  }

  /**
   * Takes {@code staged}, a complete file on the store's file system, as the data to publish
   * instead of writing any: see {@link BlobSink#commitWritten}.
   */
  void adopt(Path staged) throws IOException {
    if (data != null) {
      throw new IllegalStateException("the writer for key " + key + " has been written to");
    }
    try {
      TemporaryFile.createFolders(target.getParent());
    } catch (FileAlreadyExistsException e) {
      throw notAFolder();
    }
    data = TemporaryFile.adopt(staged);
  }

  /** The temporary data file, created with its folders at the first write. */
  private TemporaryFile data() throws IOException {
    if (data == null) {
      try {
        data = TemporaryFile.createWithFolders(target);
      } catch (FileAlreadyExistsException e) {
        throw notAFolder();
      } catch (IOException e) {
        throw outOfSpace(e);
      }
    }
    return data;
  }

  @Override
  public void expectBytes(long bytes) {
    try {
      data().reserve(bytes);
    } catch (IOException e) {
      // the first write meets the same failure and reports it
    }
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    TemporaryFile out = data();
    try {
      FileWrites.writeAll(out.channel(), chunk);
    } catch (IOException e) {
      throw outOfSpace(e);
    }
  }

  /** {@code e}, or a {@link InsufficientStorageException} naming the key when the disk is full. */
  private IOException outOfSpace(IOException e) {
    return InsufficientStorageException.isOutOfSpace(e)
            && !(e instanceof InsufficientStorageException)
        ? new InsufficientStorageException(key, e)
        : e;
  }

  @Override
  public Receipt publish(String sha256, long size) throws IOException {
    TemporaryFile out = data();
    try {
      out.channel().close();
    } catch (IOException e) {
      throw outOfSpace(e);
    }
    BasicFileAttributes attributes = Files.readAttributes(out.path(), BasicFileAttributes.class);
    try {
      sidecarData =
          Sidecar.describing(spec.contentType(), sha256, attributes).writeTemporary(sidecar);
    } catch (IOException e) {
      throw outOfSpace(e);
    }
    lock.lock();
    try {
      if (!folders.satisfies(key, spec.precondition())) {
        throw new PreconditionFailedException(key);
      }
      moveIntoPlace(out);
      sidecarData.publish(sidecar, true);
    } finally {
      lock.unlock();
    }
    return Receipt.of(target.toString())
        .with("key", key)
        .with("bytes", size)
        .with("sha256", sha256)
        .with("etag", '"' + sha256 + '"')
        .with("contentType", spec.contentType());
  }

  /** Moves the data file into place: replacing atomically, or failing if the key exists. */
  private void moveIntoPlace(TemporaryFile out) throws IOException {
    if (Files.isDirectory(target) && !folders.removeEmptyTree(target)) {
      throw aFolder();
    }
    try {
      out.publish(target, spec.overwrite());
    } catch (FileAlreadyExistsException e) {
      throw exists();
    } catch (DirectoryNotEmptyException e) {
      throw aFolder();
    }
  }

  private FileSystemException aFolder() {
    return new FileSystemException(
        key, null, "cannot store an object under this key: it is a folder of other objects");
  }

  private FileSystemException notAFolder() {
    return new FileSystemException(
        key, null, "cannot store an object under this key: a prefix of it is an object");
  }

  private FileAlreadyExistsException exists() {
    return new FileAlreadyExistsException(
        key, null, "an object already exists under this key and overwriting is not allowed");
  }

  @Override
  public void discard(Throwable cause) {
    for (TemporaryFile file : new TemporaryFile[] {data, sidecarData}) {
      if (file != null) {
        file.discard(cause);
      }
    }
    folders.removeEmpty(target.getParent());
    folders.removeEmpty(sidecar.getParent());
  }

  @Override
  public String toString() {
    return "file-store(" + key + ")";
  }
}
