package dev.sluice.core.blob;

import dev.sluice.core.testing.BlobStoreContract;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreContractTest extends BlobStoreContract {

  @TempDir Path dir;

  @Override
  protected BlobStore store() throws IOException {
    return FileBlobStore.open(dir);
  }

  @Override
  protected String key(String name) {
    return "nested/" + name;
  }
}
