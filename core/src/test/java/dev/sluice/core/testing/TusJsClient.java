package dev.sluice.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real tus-js-client, as the http module's {@code src/test/node} installs it ({@code npm ci} on
 * first use), uploading one file through its {@code upload.cjs}: the client the resumable-upload
 * tests run against every store.
 */
public final class TusJsClient {

  private static final int TIMEOUT_SECONDS = 600;

  private final Path dir;

  private TusJsClient(Path dir) {
    this.dir = dir;
  }

  /** The client in {@code dir} (the folder of {@code upload.cjs}), installed if it is not yet. */
  public static TusJsClient in(Path dir) throws Exception {
    if (!Files.isDirectory(dir.resolve("node_modules").resolve("tus-js-client"))) {
      Commands.run(dir, List.of("npm", "ci"), 300);
    }
    return new TusJsClient(dir);
  }

  /**
   * Uploads {@code file} to {@code url} with {@code protocol} ({@code tus-v1}, {@code
   * ietf-draft-05}, …) in chunks of {@code chunkBytes}, retrying through dropped connections;
   * returns what the client printed ({@code ok UPLOAD_URL} on success).
   */
  public String upload(String url, Path file, String protocol, int chunkBytes) throws Exception {
    return Commands.run(
        dir,
        List.of(
            "node",
            "upload.cjs",
            url,
            file.toAbsolutePath().toString(),
            protocol,
            Integer.toString(chunkBytes)),
        TIMEOUT_SECONDS);
  }
}
