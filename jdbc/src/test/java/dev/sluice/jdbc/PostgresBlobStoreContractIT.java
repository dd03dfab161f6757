package dev.sluice.jdbc;

import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.testing.BlobStoreContract;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;

/** The core blob-store contract, run against large objects in the machine's PostgreSQL. */
class PostgresBlobStoreContractIT extends BlobStoreContract {

  private String table;
  private PostgresBlobStore store;

  @Override
  protected BlobStore store() throws IOException {
    TestDatabases.require(TestDatabases.POSTGRES);
    table = TestDatabases.uniqueTable("sluice_blobs");
    store = PostgresBlobStore.builder(TestDatabases.POSTGRES).table(table).build();
    return store;
  }

  @AfterEach
  void dropStore() throws Exception {
    if (store != null) {
      store.close();
    }
    if (table != null) {
      TestDatabases.execute(
          TestDatabases.POSTGRES,
          "SELECT lo_unlink(oid) FROM "
              + table
              + " UNION ALL SELECT lo_unlink(oid) FROM "
              + table
              + "_retired");
      TestDatabases.dropQuietly(TestDatabases.POSTGRES, table);
      TestDatabases.dropQuietly(TestDatabases.POSTGRES, table + "_retired");
    }
  }
}
