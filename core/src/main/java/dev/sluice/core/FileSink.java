package dev.sluice.core;

import dev.sluice.core.file.FileWrites;
import dev.sluice.core.file.TemporaryFile;
import dev.sluice.core.file.TransferTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Writes into a {@link TemporaryFile} beside the target and renames it into place on commit, so the
 * target either does not change or holds the complete stream. Refuses to replace an existing file
 * unless {@link WriteOption#REPLACE_EXISTING} is given; forces data to disk before the rename with
 * {@link WriteOption#FSYNC}.
 *
 * <p>An existing target that is not a regular file or a directory — a device such as {@code
 * /dev/null}, a named pipe — is written in place: renaming over it would replace the device with a
 * plain file, and there is nothing in it to protect.
 */
final class FileSink implements Sink, TransferTarget {

  private final Path target;
  private final boolean replace;
  private final boolean fsync;
  private final boolean inPlace;
  private TemporaryFile temporary;
  private FileChannel channel;
  private long written;
  private boolean ended;

  public FileSink(Path target, Set<WriteOption> options) throws IOException {
    this.target = target.toAbsolutePath().normalize();
    this.replace = options.contains(WriteOption.REPLACE_EXISTING);
    this.fsync = options.contains(WriteOption.FSYNC);
    if (Files.isDirectory(this.target)) {
      throw new java.nio.file.FileSystemException(target.toString(), null, "is a directory");
    }
    this.inPlace = Files.exists(this.target) && !Files.isRegularFile(this.target);
    if (!replace && !inPlace && Files.exists(this.target)) {
      throw new FileAlreadyExistsException(
          target.toString(),
          null,
          "refusing to overwrite an existing file (allow replacing to do so)");
    }
    Path parent = this.target.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new java.nio.file.NoSuchFileException(parent.toString(), null, "no such directory");
    }
  }

  private FileChannel channel() throws IOException {
    if (ended) {
      throw new IllegalStateException("file sink already ended: " + target);
    }
    if (channel == null && inPlace) {
      channel = FileChannel.open(target, StandardOpenOption.WRITE);
    }
    if (channel == null) {
      temporary = TemporaryFile.create(target);
      channel = temporary.channel();
    }
    return channel;
  }

  @Override
  public void expectBytes(long bytes) {
    if (!inPlace && !ended) {
      try {
        channel();
        temporary.reserve(bytes);
      } catch (IOException e) {
        // the first write meets the same failure and reports it
      }
    }
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    // a device or a pipe (written in place) has no page cache to slice the writes for
    written +=
        FileWrites.writeAll(channel(), chunk, inPlace ? Integer.MAX_VALUE : FileWrites.SLICE);
  }

  @Override
  public long transferFrom(FileChannel source, long position, long count) throws IOException {
    long moved = source.transferTo(position, count, channel());
    written += moved;
    return moved;
  }

  @Override
  public Receipt commit() throws IOException {
    try {
      FileChannel out = channel();
      if (inPlace) {
        out.close(); // written in place: nothing to rename
      } else {
        if (fsync) {
          out.force(true);
        }
        publish();
      }
      ended = true;
      return Receipt.of(target.toString()).with("bytes", written);
    } catch (IOException | RuntimeException | Error e) {
      abort(e);
      throw e;
    }
  }

  private void publish() throws IOException {
    try {
      temporary.publish(target, replace);
    } catch (FileAlreadyExistsException e) {
      var exists =
          new FileAlreadyExistsException(
              target.toString(), null, "refusing to overwrite a file created while writing");
      exists.initCause(e);
      throw exists;
    }
  }

  @Override
  public void abort(Throwable cause) {
    ended = true;
    if (temporary != null) {
      temporary.discard(cause);
    } else if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        cause.addSuppressed(e);
      }
    }
  }

  @Override
  public String toString() {
    return "file(" + target + ")";
  }
}
