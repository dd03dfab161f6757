package dev.sluice.core.blob;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.locks.Lock;

/**
 * Stores one blob of a file store: writes and hashes into a hidden temporary file in the target's
 * folder; on commit verifies the expected SHA-256, then, holding the key's lock, moves the file
 * into place (atomically replacing, or atomically refusing an existing one) and publishes its
 * sidecar; the spec's precondition is tested under that lock. An abort, or a failed commit, deletes
 * the temporary files and the folders it left empty, and leaves the store as it was. A full disk is
 * reported as {@link InsufficientStorageException}.
 */
final class FileBlobSink implements Sink {

  /** How often a temporary file is retried when its folder is removed while it is created. */
  private static final int CREATE_ATTEMPTS = 8;

  /** What a sink needs of its store's folders and current versions. */
  public interface Folders {
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
  private final MessageDigest digest;
  private Path temporary;
  private Path sidecarTemporary;
  private FileChannel channel;
  private long written;
  private boolean ended;

  public FileBlobSink(
      String key, Path target, Path sidecar, BlobSpec spec, Lock lock, Folders folders)
      throws IOException {
    this.key = key;
    this.target = target;
    this.sidecar = sidecar;
    this.spec = spec;
    this.lock = lock;
    this.folders = folders;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
    if (!spec.overwrite() && Files.exists(target)) {
      throw exists();
    }
  }

  private FileChannel channel() throws IOException {
    if (ended) {
      throw new IllegalStateException("the sink for key " + key + " has already ended");
    }
    if (channel == null) {
      for (int attempt = 1; ; attempt++) {
        try {
          Files.createDirectories(target.getParent());
        } catch (FileAlreadyExistsException e) {
          throw notAFolder();
        } catch (IOException e) {
          throw outOfSpace(e);
        }
        Path candidate = Sidecar.temporarySibling(target);
        try {
          channel =
              FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          temporary = candidate;
          break;
        } catch (NoSuchFileException e) {
          if (attempt == CREATE_ATTEMPTS) {
            throw e; // the folder keeps being removed under us
          }
          // an empty folder was removed between creating it and creating the file: again
        } catch (IOException e) {
          throw outOfSpace(e);
        }
      }
    }
    return channel;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    FileChannel out = channel();
    digest.update(chunk.duplicate());
    try {
      while (chunk.hasRemaining()) {
        written += out.write(chunk);
      }
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
  public Receipt commit() throws IOException {
    try {
      FileChannel out = channel();
      try {
        out.close();
      } catch (IOException e) {
        throw outOfSpace(e);
      }
      return verifyAndPublish(HexFormat.of().formatHex(digest.digest()));
    } catch (IOException | RuntimeException | Error e) {
      abort(e);
      throw e;
    }
  }

  /**
   * Ends the sink by publishing {@code staged}, a complete file written elsewhere on the store's
   * file system, instead of what was written here: {@code sha256} is its hash. Moves (never copies)
   * the file; on failure it is deleted, as an aborted sink's temporary file is.
   */
  Receipt adopt(Path staged, String sha256) throws IOException {
    if (ended || channel != null) {
      throw new IllegalStateException("the sink for key " + key + " has already been written");
    }
    temporary = staged;
    written = Files.size(staged);
    try {
      try {
        Files.createDirectories(target.getParent());
      } catch (FileAlreadyExistsException e) {
        throw notAFolder();
      }
      return verifyAndPublish(sha256);
    } catch (IOException | RuntimeException | Error e) {
      abort(e);
      throw e;
    }
  }

  /** Verifies, then moves the temporary file and its sidecar into place under the key's lock. */
  private Receipt verifyAndPublish(String sha256) throws IOException {
    String expected = spec.expectedSha256();
    if (expected != null && !expected.toLowerCase(Locale.ROOT).equals(sha256)) {
      throw new DigestMismatchException("sha256", expected.toLowerCase(Locale.ROOT), sha256);
    }
    BasicFileAttributes attributes = Files.readAttributes(temporary, BasicFileAttributes.class);
    try {
      sidecarTemporary =
          Sidecar.describing(spec.contentType(), sha256, attributes).writeTemporary(sidecar);
    } catch (IOException e) {
      throw outOfSpace(e);
    }
    lock.lock();
    try {
      if (!folders.satisfies(key, spec.precondition())) {
        throw new PreconditionFailedException(key);
      }
      publish();
      temporary = null;
      Sidecar.publish(sidecarTemporary, sidecar);
      sidecarTemporary = null;
    } finally {
      lock.unlock();
    }
    ended = true;
    return Receipt.of(target.toString())
        .with("key", key)
        .with("bytes", written)
        .with("sha256", sha256)
        .with("etag", '"' + sha256 + '"')
        .with("contentType", spec.contentType());
  }

  /** Moves the data file into place: replacing atomically, or failing if the key exists. */
  private void publish() throws IOException {
    if (Files.isDirectory(target) && !folders.removeEmptyTree(target)) {
      throw new FileSystemException(
          key, null, "cannot store an object under this key: it is a folder of other objects");
    }
    if (spec.overwrite()) {
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (DirectoryNotEmptyException e) {
        throw new FileSystemException(
            key, null, "cannot store an object under this key: it is a folder of other objects");
      }
      return;
    }
    try {
      Files.createLink(target, temporary); // fails atomically if the key exists
    } catch (FileAlreadyExistsException e) {
      throw exists();
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (Files.exists(target)) {
        throw exists();
      }
      Files.move(temporary, target); // no hard links here: the key's lock keeps this atomic
      return;
    }
    Files.delete(temporary);
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
  public void abort(Throwable cause) {
    ended = true;
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
    for (Path path : new Path[] {temporary, sidecarTemporary}) {
      try {
        if (path != null) {
          Files.deleteIfExists(path);
        }
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
    }
    temporary = null;
    sidecarTemporary = null;
    folders.removeEmpty(target.getParent());
    folders.removeEmpty(sidecar.getParent());
  }

  @Override
  public String toString() {
    return "file-store(" + key + ")";
  }
}
