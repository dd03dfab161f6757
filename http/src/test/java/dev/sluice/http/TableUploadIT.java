package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Resumable uploads (tus 1.0 and the IETF draft) created at {@code /tables/{table}}: the completed
 * upload becomes rows, in H2 and PostgreSQL, all of them or none.
 */
class TableUploadIT {

  private static final String POSTGRESQL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  private final ResumableUploadIT.ManualClock clock = new ResumableUploadIT.ManualClock();
  private TestServer server;
  private String database;
  private String table;

  private void start(String kind) throws Exception {
    Path h2 = Files.createTempDirectory("sluice-table-upload-it");
    database = kind.equals("postgresql") ? POSTGRESQL : "jdbc:h2:" + h2.resolve("db");
    TablesRouteIT.requireDatabase(database);
    table = "sluice_upload_" + Long.toHexString(System.nanoTime());
    server =
        TestServer.start(
            b -> b.maxBodySize(1 << 20),
            b -> b.route("/tables/", new TablesHandler(database)).uploadClock(clock));
  }

  @AfterEach
  void stop() throws Exception {
    if (server == null) {
      return;
    }
    server.close();
    try (Connection connection = DriverManager.getConnection(database);
        Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS " + table);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aTusUploadInThreeAppendsBecomesEveryRowOfTheCsv(String kind) throws Exception {
    start(kind);
    byte[] csv = csv(2_000);
    String upload = tusCreate("/tables/" + table + "?create-table=true", csv.length);
    assertThat(upload).matches("/uploads/[0-9a-f]{32}");

    // cuts in the middle of rows: the load sees only the whole upload
    int[] cuts = {0, 7_001, 20_003, csv.length};
    HttpResponse<String> last = null;
    for (int i = 0; i + 1 < cuts.length; i++) {
      last = server.tusPatch(upload, cuts[i], Arrays.copyOfRange(csv, cuts[i], cuts[i + 1]));
      assertThat(last.statusCode()).as(last.body()).isEqualTo(204);
      assertThat(last.headers().firstValue("Upload-Offset"))
          .contains(Integer.toString(cuts[i + 1]));
    }

    assertThat(last.headers().firstValue("Sluice-Rows")).contains("2000");
    assertThat(count()).isEqualTo(2_000);
    assertThat(sumOfIds()).isEqualTo(2_000L * 2_001 / 2);
    assertNoStagedObject();
    HttpResponse<String> head = send("HEAD", upload, null, "Tus-Resumable", "1.0.0");
    assertThat(head.headers().firstValue("Upload-Offset")).contains(Integer.toString(csv.length));
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void anIetfUploadInPartsAnswersTheRowsAsAPostDoes(String kind) throws Exception {
    start(kind);
    byte[] csv = csv(1_500);
    HttpResponse<String> created =
        send(
            "POST",
            "/tables/" + table + "?create-table=true",
            null,
            "Upload-Complete",
            "?0",
            "Content-Type",
            "text/csv");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String upload = created.headers().firstValue("Location").orElseThrow();

    HttpResponse<String> first =
        server.ietfPatch(upload, 0, Arrays.copyOfRange(csv, 0, 5_000), false);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(204);
    HttpResponse<String> second =
        server.ietfPatch(upload, 5_000, Arrays.copyOfRange(csv, 5_000, 11_111), false);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(204);
    HttpResponse<String> last =
        server.ietfPatch(upload, 11_111, Arrays.copyOfRange(csv, 11_111, csv.length), true);

    assertThat(last.statusCode()).as(last.body()).isEqualTo(201);
    assertThat(last.headers().firstValue("Upload-Complete")).contains("?1");
    assertThat(last.body())
        .contains("\"table\" : \"" + table + "\"")
        .contains("\"format\" : \"csv\"")
        .contains("\"rows\" : 1500")
        .contains("\"bytes\" : " + csv.length);
    assertThat(count()).isEqualTo(1_500);
    assertNoStagedObject();
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void anIetfSingleRequestOfNdjsonLoadsWithTheFormatOfItsContentType(String kind) throws Exception {
    start(kind);
    createTable();
    byte[] ndjson =
        "{\"id\":\"1\",\"name\":\"a\"}\n{\"id\":\"2\",\"name\":\"b\"}\n"
            .getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> done =
        send(
            "PUT",
            "/tables/" + table,
            ndjson,
            "Upload-Complete",
            "?1",
            "Content-Type",
            "application/x-ndjson");

    assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
    assertThat(done.body()).contains("\"format\" : \"ndjson\"").contains("\"rows\" : 2");
    assertThat(count()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aMalformedRowAtCompletionIsA400NamingItCommitsNothingAndDiscardsTheUpload(String kind)
      throws Exception {
    start(kind);
    createTable();
    byte[] good = csv(100);
    byte[] csv =
        (new String(good, StandardCharsets.UTF_8) + "101\n102,x\n")
            .getBytes(StandardCharsets.UTF_8);
    String upload = tusCreate("/tables/" + table, csv.length);
    assertThat(server.tusPatch(upload, 0, Arrays.copyOfRange(csv, 0, 500)).statusCode())
        .isEqualTo(204);

    HttpResponse<String> last =
        server.tusPatch(upload, 500, Arrays.copyOfRange(csv, 500, csv.length));

    assertThat(last.statusCode()).as(last.body()).isEqualTo(400);
    assertThat(last.body())
        .contains("CSV line 102")
        .contains("expected 2 fields as in the header, found 1 field; nothing was stored")
        .doesNotContain(".sluice-tables", "Exception", server.dir.toString());
    assertThat(count()).isZero();
    assertNoStagedObject();
    HttpResponse<String> head = send("HEAD", upload, null, "Tus-Resumable", "1.0.0");
    assertThat(head.statusCode()).isIn(404, 410);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2"})
  void aHeadWhileTheStagedBytesAreStillThereIs423UntilTheSweeperDeletesThem(String kind)
      throws Exception {
    start(kind);
    byte[] csv = csv(10);
    String upload = tusCreate("/tables/" + table + "?create-table=true", csv.length);
    assertThat(server.tusPatch(upload, 0, csv).statusCode()).isEqualTo(204);
    // what a server killed during the load leaves: the upload complete, its staged object there
    String staged = stagingKeyOf(upload);
    assertThat(server.put(staged, csv).statusCode()).isEqualTo(201);

    HttpResponse<String> head = send("HEAD", upload, null, "Tus-Resumable", "1.0.0");

    assertThat(head.statusCode()).isEqualTo(423);
    assertThat(head.headers().firstValue("Retry-After")).contains("1");
    assertThat(head.headers().firstValue("Upload-Offset")).isEmpty();
    // at expiry the sweeper deletes the upload and what it staged
    clock.advance(Duration.ofHours(25));
    server.server.sweepExpiredUploads();
    assertNoStagedObject();
    assertThat(send("HEAD", upload, null, "Tus-Resumable", "1.0.0").statusCode()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void aMissingTableAtCompletionIs404NamingItAndDiscardsTheUpload(String kind) throws Exception {
    start(kind);
    HttpResponse<String> created =
        send("POST", "/tables/" + table, null, "Upload-Complete", "?0", "Content-Type", "text/csv");
    String upload = created.headers().firstValue("Location").orElseThrow();

    HttpResponse<String> last = server.ietfPatch(upload, 0, csv(3), true);

    assertThat(last.statusCode()).as(last.body()).isEqualTo(404);
    assertThat(last.body()).contains("no table " + table).doesNotContain("jdbc:", "Exception");
    assertNoStagedObject();
    assertThat(send("HEAD", upload, null).statusCode()).isEqualTo(404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h2"})
  void aCreationAtABadTableNameIs400AndCreatesNoUpload(String kind) throws Exception {
    start(kind);

    HttpResponse<String> created =
        send("POST", "/tables/x;drop", null, "Tus-Resumable", "1.0.0", "Upload-Length", "10");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(400);
    assertThat(created.body()).contains("table name must be a plain SQL name like events: x;drop");
    assertThat(created.headers().firstValue("Location")).isEmpty();
  }

  /** {@code id,name} then {@code rows} rows, ids 1 to {@code rows}. */
  private static byte[] csv(int rows) {
    StringBuilder csv = new StringBuilder("id,name\n");
    for (int i = 1; i <= rows; i++) {
      csv.append(i).append(",name ").append(i).append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void createTable() throws Exception {
    try (Connection connection = DriverManager.getConnection(database);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE " + table + " (id VARCHAR(20), name VARCHAR(100))");
    }
  }

  /** The key the file store's manifest of {@code upload} records: its staging key. */
  private String stagingKeyOf(String upload) throws Exception {
    Path manifest =
        server
            .dir
            .resolve("data")
            .resolve(".sluice-uploads")
            .resolve(upload.substring("/uploads/".length()) + ".upload");
    Properties properties = new Properties();
    try (var in = Files.newBufferedReader(manifest)) {
      properties.load(in);
    }
    return properties.getProperty("key");
  }

  private void assertNoStagedObject() throws Exception {
    try (Stream<?> staged = server.store.list(".sluice-tables/", null)) {
      assertThat(staged.toList()).isEmpty();
    }
  }

  private HttpResponse<String> send(String method, String path, byte[] body, String... headers)
      throws Exception {
    return server.send(method, path, body, headers);
  }

  /** A tus creation at {@code path} for {@code length} bytes; returns the upload's URL. */
  private String tusCreate(String path, int length) throws Exception {
    return server.tusCreate(path, length);
  }

  private long count() throws Exception {
    return single("SELECT count(*) FROM " + table);
  }

  private long sumOfIds() throws Exception {
    return single("SELECT sum(CAST(\"id\" AS BIGINT)) FROM " + table);
  }

  private long single(String query) throws Exception {
    try (Connection connection = DriverManager.getConnection(database);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(query)) {
      row.next();
      return row.getLong(1);
    }
  }
}
