package dev.sluice.core.blob;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.testing.SinkContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** The shared sink contract, run against the file store's sink for a nested key. */
class FileBlobStoreSinkContractTest extends SinkContract {

  @TempDir Path dir;
  FileBlobStore store;

  @BeforeEach
  void openStore() throws IOException {
    store = FileBlobStore.open(dir);
  }

  @Override
  protected Sink newSink() throws IOException {
    return store.create("a/b/object.bin", BlobSpec.defaults());
  }

  @Override
  protected void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
    Blob blob = store.find("a/b/object.bin").orElseThrow();
    assertThat(Files.readAllBytes(((FileBlob) blob).path())).isEqualTo(expected);
    String sha256 = sha256(expected);
    assertThat(blob.sha256()).contains(sha256);
    assertThat(receipt.details())
        .containsEntry("sha256", sha256)
        .containsEntry("bytes", Integer.toString(expected.length))
        .containsEntry("etag", "\"" + sha256 + "\"");
    assertThat(hiddenTemporaryFiles()).isZero();
  }

  @Override
  protected void assertNothingVisible() throws IOException {
    assertThat(store.find("a/b/object.bin")).isEmpty();
    assertThat(hiddenTemporaryFiles()).isZero();
  }

  private long hiddenTemporaryFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
