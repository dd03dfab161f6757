package dev.sluice.core.upload;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The file store's record of one upload: everything in {@link Upload} but the offset, which is the
 * staging file's length. Written whole to a temporary file, forced to disk and renamed over the old
 * one, so a crash leaves the old or the new manifest, never a mix.
 */
final class Manifest {

  private Manifest() {}

  /** Writes {@code upload} (its offset is not kept) to {@code path}, durably and atomically. */
  static void write(Path path, Upload upload) throws IOException {
    Properties p = upload.toProperties();
    Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      OutputStream out = Channels.newOutputStream(channel);
      p.store(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), null);
      channel.force(true);
    }
    Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The upload recorded at {@code path} with {@code offset}, or empty when there is no manifest or
   * it cannot be read (a damaged manifest is an upload lost, not one to guess at).
   */
  static Optional<Upload> read(Path path, long offset) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    return Upload.fromProperties(p, offset);
  }
}
