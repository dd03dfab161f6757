package dev.sluice.core.blob;

import dev.sluice.core.file.TemporaryFile;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * The metadata a file store keeps beside a blob: content type and SHA-256, plus the size,
 * modification time and file identity of the data file it describes. Renaming keeps a file's
 * identity and time, so a sidecar that does not match its data file (a crash or a race between the
 * two renames) is recognised as stale and ignored rather than believed.
 *
 * @param contentType the stored media type
 * @param sha256 the hex SHA-256 of the content
 * @param size the data file's size
 * @param modified the data file's modification time
 * @param fileKey the data file's identity ({@link BasicFileAttributes#fileKey()}), as a string
 */
record Sidecar(String contentType, String sha256, long size, Instant modified, String fileKey) {

  /** The sidecar describing the data file with {@code attributes}. */
  public static Sidecar describing(
      String contentType, String sha256, BasicFileAttributes attributes) {
    return new Sidecar(
        contentType,
        sha256,
        attributes.size(),
        attributes.lastModifiedTime().toInstant(),
        String.valueOf(attributes.fileKey()));
  }

  /** Whether this sidecar describes the data file with {@code attributes}. */
  public boolean describes(BasicFileAttributes attributes) {
    return size == attributes.size()
        && modified.equals(attributes.lastModifiedTime().toInstant())
        && Objects.equals(fileKey, String.valueOf(attributes.fileKey()));
  }

  /**
   * Writes a temporary file beside {@code path}, creating its folders; {@link
   * TemporaryFile#publish} moves it into place. On failure (a full disk, say) the temporary file is
   * deleted before the exception is thrown.
   */
  public TemporaryFile writeTemporary(Path path) throws IOException {
    TemporaryFile temporary = TemporaryFile.createWithFolders(path);
    try {
      Properties properties = new Properties();
      properties.setProperty("contentType", contentType);
      properties.setProperty("sha256", sha256);
      properties.setProperty("size", Long.toString(size));
      properties.setProperty("modified", modified.toString());
      properties.setProperty("fileKey", fileKey);
      Writer out = Channels.newWriter(temporary.channel(), StandardCharsets.UTF_8);
      properties.store(out, null);
      out.flush();
      return temporary;
    } catch (IOException | RuntimeException | Error e) {
      temporary.discard(e);
      throw e;
    }
  }

  /**
   * The sidecar at {@code path} if it describes the data file with {@code attributes}; empty when
   * there is none, it cannot be read, or it describes another version of the data.
   */
  public static Optional<Sidecar> readDescribing(Path path, BasicFileAttributes attributes)
      throws IOException {
    return read(path).filter(found -> found.describes(attributes));
  }

  /** The sidecar at {@code path}, or empty when there is none or it cannot be read. */
  public static Optional<Sidecar> read(Path path) throws IOException {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      properties.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Sidecar(
              Objects.requireNonNull(properties.getProperty("contentType")),
              Objects.requireNonNull(properties.getProperty("sha256")),
              Long.parseLong(properties.getProperty("size")),
              Instant.parse(properties.getProperty("modified")),
              Objects.requireNonNull(properties.getProperty("fileKey"))));
    } catch (RuntimeException e) {
      return Optional.empty(); // a damaged sidecar: fall back to what the data file says
    }
  }
}
