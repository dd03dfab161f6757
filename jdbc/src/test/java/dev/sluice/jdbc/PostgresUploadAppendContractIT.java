package dev.sluice.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.testing.UploadAppendContract;
import dev.sluice.core.upload.Upload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The core sink contract, run against an append to a new PostgreSQL upload: what a commit keeps
 * becomes the blob on completion; nothing an aborted append wrote is a blob.
 */
class PostgresUploadAppendContractIT extends UploadAppendContract {

  private String table;
  private PostgresBlobStore store;
  private PostgresUploadStore uploads;

  @BeforeEach
  void openStore() throws IOException {
    TestDatabases.require(TestDatabases.POSTGRES);
    table = TestDatabases.uniqueTable("sluice_up");
    store = PostgresBlobStore.builder(TestDatabases.POSTGRES).table(table).build();
    uploads = store.uploads(Clock.systemUTC());
  }

  @AfterEach
  void dropStore() throws Exception {
    for (Upload upload : uploads.list()) {
      uploads.cancel(upload.id());
    }
    store.delete(KEY);
    store.close();
    TestDatabases.dropQuietly(TestDatabases.POSTGRES, table);
    TestDatabases.dropQuietly(TestDatabases.POSTGRES, table + "_retired");
    TestDatabases.dropQuietly(TestDatabases.POSTGRES, table + "_uploads");
  }

  @Override
  protected Sink newSink() throws IOException {
    return uploads.append(newUpload(uploads), 0);
  }

  @Override
  protected void assertObject(byte[] expected, Receipt completion) throws IOException {
    try (Blob blob = store.find(KEY).orElseThrow()) {
      ByteBuffer read = ByteBuffer.allocate(expected.length);
      try (var channel = blob.open(0, blob.size())) {
        while (read.hasRemaining() && channel.read(read) >= 0) {}
      }
      assertThat(read.array()).isEqualTo(expected);
    }
  }

  @Override
  protected void assertNothingVisible() throws IOException {
    assertThat(store.find(KEY)).isEmpty();
  }
}
