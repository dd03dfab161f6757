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
 * sidecar. An abort, or a failed commit, deletes the temporary files and leaves the store as it
 * was.
 */
final class FileBlobSink implements Sink {

  private final String key;
  private final Path target;
  private final Path sidecar;
  private final BlobSpec spec;
  private final Lock lock;
  private final MessageDigest digest;
  private Path temporary;
  private Path sidecarTemporary;
  private FileChannel channel;
  private long written;
  private boolean ended;

  public FileBlobSink(String key, Path target, Path sidecar, BlobSpec spec, Lock lock)
      throws IOException {
    this.key = key;
    this.target = target;
    this.sidecar = sidecar;
    this.spec = spec;
    this.lock = lock;
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
      try {
        Files.createDirectories(target.getParent());
      } catch (FileAlreadyExistsException e) {
        throw notAFolder();
      }
      temporary = Sidecar.temporarySibling(target);
      channel =
          FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
    return channel;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    FileChannel out = channel();
    digest.update(chunk.duplicate());
    while (chunk.hasRemaining()) {
      written += out.write(chunk);
    }
  }

  @Override
  public Receipt commit() throws IOException {
    try {
      FileChannel out = channel();
      out.close();
      String sha256 = HexFormat.of().formatHex(digest.digest());
      String expected = spec.expectedSha256();
      if (expected != null && !expected.toLowerCase(Locale.ROOT).equals(sha256)) {
        throw new DigestMismatchException("sha256", expected.toLowerCase(Locale.ROOT), sha256);
      }
      BasicFileAttributes attributes = Files.readAttributes(temporary, BasicFileAttributes.class);
      sidecarTemporary =
          Sidecar.describing(spec.contentType(), sha256, attributes).writeTemporary(sidecar);
      lock.lock();
      try {
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
    } catch (IOException | RuntimeException | Error e) {
      abort(e);
      throw e;
    }
  }

  /** Moves the data file into place: replacing atomically, or failing if the key exists. */
  private void publish() throws IOException {
    if (Files.isDirectory(target)) {
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
  }

  @Override
  public String toString() {
    return "file-store(" + key + ")";
  }
}
