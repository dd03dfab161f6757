package dev.sluice.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.testing.SinkContract;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The core sink contract, run against an append to a new PostgreSQL upload: what a commit keeps
 * becomes the blob on completion; nothing an aborted append wrote is a blob.
 */
class PostgresUploadAppendContractIT extends SinkContract {

  private String table;
  private PostgresBlobStore store;
  private PostgresUploadStore uploads;
  private String id;

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
    store.delete("contract");
    TestDatabases.dropQuietly(TestDatabases.POSTGRES, table);
    TestDatabases.dropQuietly(TestDatabases.POSTGRES, table + "_retired");
    TestDatabases.dropQuietly(TestDatabases.POSTGRES, table + "_uploads");
  }

  @Override
  protected Sink newSink() throws IOException {
    id =
        uploads
            .create(
                new NewUpload(
                    "contract",
                    Upload.UNKNOWN_LENGTH,
                    null,
                    null,
                    "owner",
                    Instant.now().plusSeconds(3600),
                    true,
                    null))
            .id();
    return uploads.append(id, 0);
  }

  @Override
  protected void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
    assertThat(receipt.details()).containsEntry("offset", Integer.toString(expected.length));
    uploads.complete(id);
    try (Blob blob = store.find("contract").orElseThrow()) {
      ByteBuffer read = ByteBuffer.allocate(expected.length);
      try (var channel = blob.open(0, blob.size())) {
        while (read.hasRemaining() && channel.read(read) >= 0) {}
      }
      assertThat(read.array()).isEqualTo(expected);
    }
  }

  @Override
  protected void assertNothingVisible() throws IOException {
    assertThat(store.find("contract")).isEmpty();
  }
}
