package dev.sluice.core.file;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A hidden file written beside its target and then renamed onto it, so that the target either does
 * not change or holds the whole content: the one temp-file-and-rename of Sluice's file sink, file
 * store and the store's metadata. Every temporary file is named {@code .sluice-<hex>.tmp} in the
 * target's folder ({@link #isTemporary} recognises the name, e.g. to sweep those a crash left).
 *
 * {@snippet :
 * TemporaryFile temporary = TemporaryFile.create(target);
 * try {
 *   temporary.channel().write(bytes);
 *   temporary.publish(target, false); // FileAlreadyExistsException if target appeared meanwhile
 * } catch (IOException e) {
 *   temporary.discard(e);
 *   throw e;
 * }
 * }
 *
 * <p>Not thread-safe: one writer owns it until it is published or discarded.
 */
public final class TemporaryFile {

  private static final Pattern NAME = Pattern.compile("\\.sluice-[0-9a-f]{1,16}\\.tmp");

  /** How often creating is retried when a racing clean-up removes the folder just created. */
  private static final int CREATE_ATTEMPTS = 8;

  /** The smallest content whose blocks {@link #reserve} reserves: below it the saving is small. */
  static final long RESERVE_FROM = 8L << 20;

  private static volatile BlockReservation reservation;

  private final Path path;
  private final FileChannel channel;
  private long reserved; // bytes whose blocks were reserved ahead of the writes
  private boolean ended;

  private TemporaryFile(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  /** Whether {@code fileName} is the name of a temporary file. */
  public static boolean isTemporary(String fileName) {
    return NAME.matcher(fileName).matches();
  }

  /**
   * Creates a new, empty temporary file beside {@code target}, open for writing.
   *
   * @throws NoSuchFileException if the target's folder does not exist
   */
  public static TemporaryFile create(Path target) throws IOException {
    Path candidate =
        target.resolveSibling(
            ".sluice-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    FileChannel channel =
        FileChannel.open(candidate, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new TemporaryFile(candidate, channel);
  }

  /**
   * Creates the target's folder and its parents if missing, then a temporary file in it; retried a
   * few times when a concurrent clean-up removes the empty folder in between.
   *
   * @throws FileAlreadyExistsException if a parent of the target is a file
   */
  public static TemporaryFile createWithFolders(Path target) throws IOException {
    for (int attempt = 1; ; attempt++) {
      createFolders(target.getParent());
      try {
        return create(target);
      } catch (NoSuchFileException e) {
        if (attempt == CREATE_ATTEMPTS) {
          throw e; // the folder keeps being removed under us
        }
      }
    }
  }

  /**
   * Creates {@code folder} and its missing parents, as {@link Files#createDirectories} does, but
   * made again when a concurrent clean-up of empty folders (a delete's, a sweep's) removes one of
   * them on the way: {@code createDirectories} then fails for a folder it made a moment before
   * ({@link NoSuchFileException}), or takes one that existed and was gone by the time it looked for
   * a file in its place ({@link FileAlreadyExistsException}).
   *
   * @throws FileAlreadyExistsException if a parent of {@code folder}, or itself, is a file
   */
  public static void createFolders(Path folder) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        Files.createDirectories(folder);
        return;
      } catch (NoSuchFileException e) {
        if (attempt == CREATE_ATTEMPTS) {
          throw e;
        }
      } catch (FileAlreadyExistsException e) {
        if (attempt == CREATE_ATTEMPTS || blockedByAFile(folder)) {
          throw e;
        }
      }
    }
  }

  /**
   * Whether a file stands where {@code folder} or one of its parents should be: the deepest of them
   * that exists is not a folder. One look at each, so a folder removed meanwhile is not taken for a
   * file.
   */
  public static boolean blockedByAFile(Path folder) {
    for (Path path = folder; path != null; path = path.getParent()) {
      try {
        return !Files.readAttributes(path, BasicFileAttributes.class).isDirectory();
      } catch (IOException e) {
        // missing (or under a file): look at its parent
      }
    }
    return false;
  }

  /**
   * Takes over {@code written}, a complete file written elsewhere on the target's file system (a
   * resumable upload's staging file, say): {@link #publish} moves it, never copies it, and {@link
   * #discard} deletes it.
   */
  public static TemporaryFile adopt(Path written) throws IOException {
    return new TemporaryFile(written, FileChannel.open(written, StandardOpenOption.READ));
  }

  /** The channel to write to; owned by this file, closed when it is published or discarded. */
  public FileChannel channel() {
    return channel;
  }

  /** Where the temporary file is. */
  public Path path() {
    return path;
  }

  /**
   * Has every temporary file of the process reserve its blocks through {@code blocks} when it is
   * told its size ({@link #reserve}); null to stop. Thread-safe.
   */
  public static void reserveBlocksWith(BlockReservation blocks) {
    reservation = blocks;
  }

  /**
   * Reserves the blocks of {@code bytes} bytes of content ahead of the writes, for content of
   * {@link #RESERVE_FROM} bytes or more, if a {@link BlockReservation} is {@linkplain
   * #reserveBlocksWith installed}. The file's size does not change; blocks reserved and not written
   * are given back when it is published. Never throws: without a reservation the writes allocate as
   * they go.
   */
  public void reserve(long bytes) {
    BlockReservation blocks = reservation;
    if (!ended && blocks != null && bytes >= RESERVE_FROM && blocks.reserve(path, bytes)) {
      reserved = Math.max(reserved, bytes);
    }
  }

  /**
   * Closes the channel and renames the file onto {@code target}: atomically replacing it when
   * {@code replace}, otherwise failing if {@code target} exists (atomically where the file system
   * has hard links). After a failure the temporary file is still there: {@link #discard} it.
   *
   * @throws FileAlreadyExistsException if {@code replace} is false and {@code target} exists
   */
  public void publish(Path target, boolean replace) throws IOException {
    if (ended) {
      throw new IllegalStateException("temporary file already ended: " + path);
    }
    channel.close(); // the writer may have closed it already (after a force, say)
    if (reserved > 0 && Files.size(path) < reserved) {
      giveBackReservedPastTheEnd();
    }
    for (int attempt = 1; ; attempt++) {
      try {
        moveOnto(target, replace);
        break;
      } catch (NoSuchFileException e) {
        // an adopted file's target folder, empty until now, removed by a concurrent clean-up
        if (attempt == CREATE_ATTEMPTS || !Files.exists(path)) {
          throw e;
        }
        createFolders(target.getParent());
      }
    }
    ended = true;
  }

  private void moveOnto(Path target, boolean replace) throws IOException {
    if (replace) {
      FileChannel replaced = ReplacedFiles.hold(target); // freed off the caller's path
      try {
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        ReplacedFiles.release(replaced);
      }
    } else {
      try {
        Files.createLink(target, path); // fails atomically if the target exists
        Files.delete(path);
      } catch (FileAlreadyExistsException | NoSuchFileException e) {
        throw e;
      } catch (UnsupportedOperationException | FileSystemException e) {
        Files.move(path, target); // no hard links here: fails if the target exists
      }
    }
  }

  /**
   * Truncates the file to its size: the blocks reserved past it, for content that came short of its
   * hint, are freed ({@link FileChannel#truncate} skips a truncation to the same size; {@link
   * RandomAccessFile#setLength} does not).
   */
  private void giveBackReservedPastTheEnd() throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
      file.setLength(file.length());
    }
  }

  /**
   * Closes the channel and deletes the file, unless it was published; failures are added to {@code
   * cause}. Safe to call more than once.
   */
  public void discard(Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    try {
      channel.close();
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  @Override
  public String toString() {
    return "temporary(" + path + ")";
  }
}
