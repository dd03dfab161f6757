package dev.sluice.http.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * The small file beside an uploaded file ({@code .big.iso.sluice-upload} for {@code big.iso}) that
 * remembers the URL of its resumable upload, so that a later {@code sluice ingest --resume}
 * continues it. It holds the target, the protocol, the file's size and modification time, and the
 * upload URL: an upload is resumed only for the same file (unchanged) to the same target.
 *
 * <p>Not thread-safe; one upload uses it.
 */
public final class UploadStateFile {

  private final Path path;
  private final Properties identity = new Properties();

  private UploadStateFile(Path path, Properties identity) {
    this.path = path;
    this.identity.putAll(identity);
  }

  /** The state of uploading {@code source} to {@code target} with {@code protocol}. */
  public static UploadStateFile beside(Path source, URI target, String protocol)
      throws IOException {
    Path name = source.getFileName();
    if (name == null) {
      throw new IllegalArgumentException("not a file: " + source);
    }
    Properties identity = new Properties();
    identity.setProperty("target", target.toString());
    identity.setProperty("protocol", protocol);
    identity.setProperty("size", Long.toString(Files.size(source)));
    identity.setProperty("modified", Long.toString(Files.getLastModifiedTime(source).toMillis()));
    return new UploadStateFile(source.resolveSibling("." + name + ".sluice-upload"), identity);
  }

  /** Where the state is kept. */
  public Path path() {
    return path;
  }

  /** The upload URL saved by an earlier run for the same file and target, if any. */
  public Optional<URI> saved() throws IOException {
    Properties saved = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      saved.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    for (String key : identity.stringPropertyNames()) {
      if (!identity.getProperty(key).equals(saved.getProperty(key))) {
        return Optional.empty();
      }
    }
    String upload = saved.getProperty("upload");
    return upload == null ? Optional.empty() : Optional.of(URI.create(upload));
  }

  /** Saves {@code upload} as the upload of this file (replacing the file atomically). */
  public void save(URI upload) {
    Properties state = new Properties();
    state.putAll(identity);
    state.setProperty("upload", upload.toString());
    Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
    try {
      try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
        state.store(out, "sluice ingest --resume: the upload of this file");
      }
      try {
        Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the upload state in " + path, e);
    }
  }

  /** Forgets the upload (it completed). */
  public void delete() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the upload state " + path, e);
    }
  }
}
