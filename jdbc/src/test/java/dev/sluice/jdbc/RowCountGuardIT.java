package dev.sluice.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.jdbc.internal.BulkLoader;
import dev.sluice.jdbc.internal.Database;
import dev.sluice.jdbc.internal.MariaDbLoadSink;
import dev.sluice.jdbc.internal.PostgresCopySink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The last guard against silent row loss: a bulk loader whose database took another number of rows
 * than were sent rolls back instead of committing, so the count reported is always the count
 * committed. (Here the bytes hold two rows while three are said to have been sent.)
 */
class RowCountGuardIT {

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aLoaderThatTookFewerRowsThanWereSentCommitsNothing(String kind) throws Exception {
    String url = kind.equals("postgresql") ? TestDatabases.POSTGRES : TestDatabases.MARIADB;
    TestDatabases.require(url);
    String table = TestDatabases.uniqueTable("sluice_guard");
    TestDatabases.execute(url, "CREATE TABLE " + table + " (v text)");
    try {
      Connection connection = Database.connect(url);
      connection.setAutoCommit(false);
      BulkLoader loader;
      if (kind.equals("postgresql")) {
        loader = new PostgresCopySink(connection, "test", table);
        loader.start("COPY " + table + " (v) FROM STDIN WITH (FORMAT csv)");
      } else {
        loader = new MariaDbLoadSink(connection, "test", table);
        loader.start(
            "LOAD DATA LOCAL INFILE 's' INTO TABLE "
                + table
                + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"'"
                + " ESCAPED BY '' LINES TERMINATED BY '\\n' (v)");
      }
      loader.write(ByteBuffer.wrap("\"a\"\n\"b\"\n".getBytes(StandardCharsets.UTF_8)));
      loader.expectRows(3);

      assertThatThrownBy(loader::commit)
          .hasMessageEndingWith(
              "into table " + table + " took 2 of the 3 rows sent; nothing was stored");
      assertThat(TestDatabases.count(url, table)).isZero();
    } finally {
      TestDatabases.dropQuietly(url, table);
    }
  }
}
