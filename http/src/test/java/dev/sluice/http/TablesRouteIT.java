package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sluice.core.blob.FileBlobStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /tables/{table}} over an embedded H2 database, through a real server. */
class TablesRouteIT {

  private static Path dir;
  private static String database;
  private static SluiceServer server;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("sluice-tables-it");
    database = "jdbc:h2:" + dir.resolve("db").toAbsolutePath();
    ServerConfig config = ServerConfig.builder().port(0).store(dir.toString()).build();
    server =
        SluiceServer.builder(config, FileBlobStore.open(dir.resolve("data")))
            .route("/tables/", new TablesHandler(database))
            .start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void postedCsvBecomesRowsAndComesBackAsCsvAndNdjson() throws Exception {
    HttpResponse<String> posted =
        send(
            post("/tables/people?create-table=true", "name,city\nada,london\n\"bob, jr\",paris\n")
                .header("Content-Type", "text/csv")
                .build());

    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
    assertThat(posted.body()).contains("\"rows\" : 2");
    assertThat(count("people")).isEqualTo(2);

    HttpResponse<String> csv = send(get("/tables/people").build());
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type")).contains("text/csv; charset=utf-8");
    assertThat(csv.body()).isEqualTo("name,city\nada,london\n\"bob, jr\",paris\n");

    HttpResponse<String> ndjson = send(get("/tables/people?format=ndjson").build());
    assertThat(ndjson.body())
        .isEqualTo(
            "{\"name\":\"ada\",\"city\":\"london\"}\n{\"name\":\"bob, jr\",\"city\":\"paris\"}\n");
  }

  @Test
  void aMalformedRowIsA400NamingTheLineAndStoresNothing() throws Exception {
    send(post("/tables/things?create-table=true", "a,b\n").build());

    HttpResponse<String> posted = send(post("/tables/things", "a,b\n1,2\n3\n").build());

    assertThat(posted.statusCode()).isEqualTo(400);
    assertThat(posted.body())
        .contains(
            "CSV line 3, byte 8: expected 2 fields as in the header, found 1 field; nothing was"
                + " stored");
    assertThat(count("things")).isZero();
  }

  @Test
  void aHostileTableNameIsRefused() throws Exception {
    HttpResponse<String> posted = send(post("/tables/x%20y", "a\n1\n").build());

    assertThat(posted.statusCode()).isEqualTo(400);
    assertThat(posted.body()).contains("table name must be a plain SQL name like events: x%20y");
  }

  @Test
  void aPostToAMissingTableIs404NamingTheTableAndLeaksNothing() throws Exception {
    HttpResponse<String> csv = send(post("/tables/nosuch_csv", "a\n1\n").build());
    HttpResponse<String> ndjson =
        send(post("/tables/nosuch_ndjson?format=ndjson", "{\"a\":\"1\"}\n").build());

    assertThat(csv.statusCode()).as(csv.body()).isEqualTo(404);
    assertThat(csv.body()).contains("no table nosuch_csv");
    assertThat(ndjson.statusCode()).as(ndjson.body()).isEqualTo(404);
    assertThat(ndjson.body()).contains("no table nosuch_ndjson");
    for (String body : List.of(csv.body(), ndjson.body())) {
      assertThat(body).doesNotContain("dev.sluice", "Exception", "jdbc:", dir.toString());
    }
  }

  @Test
  void aPathParameterInTheTableNameIsA400NotDropped() throws Exception {
    send(post("/tables/params?create-table=true", "a\n").build());

    HttpResponse<String> posted = send(post("/tables/params;drop=1", "a\n1\n").build());

    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(400);
    assertThat(posted.body())
        .contains("table name must be a plain SQL name like events: params;drop=1");
    assertThat(count("params")).isZero();
    HttpResponse<String> read = send(get("/tables/params;x").build());
    assertThat(read.statusCode()).as(read.body()).isEqualTo(400);
  }

  /** Issue 12, defect 2: a CSV line holding only {@code \.} ended PostgreSQL's COPY silently. */
  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql", "mariadb"})
  void everyPostedRowArrivesAndTheCountIsTheDatabases(String kind) throws Exception {
    String url =
        switch (kind) {
          case "postgresql" -> "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
          case "mariadb" -> "jdbc:mariadb://127.0.0.1:3306/test?user=root";
          default -> database;
        };
    requireDatabase(url);
    String table = "sluice_route_" + Long.toHexString(System.nanoTime());
    ServerConfig config = ServerConfig.builder().port(0).store(dir.toString()).build();
    try (SluiceServer other =
        SluiceServer.builder(config, FileBlobStore.open(dir.resolve("data-" + kind)))
            .route("/tables/", new TablesHandler(url))
            .start()) {
      HttpResponse<String> csv =
          send(
              HttpRequest.newBuilder(
                      URI.create(other.baseUrl() + "/tables/" + table + "?create-table=true"))
                  .POST(HttpRequest.BodyPublishers.ofString("v\na\n\\.\nb\nc\n"))
                  .build());
      HttpResponse<String> ndjson =
          send(
              HttpRequest.newBuilder(
                      URI.create(other.baseUrl() + "/tables/" + table + "?format=ndjson"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"v\":\"\\\\.\"}\n{\"v\":\"d\"}\n"))
                  .build());

      assertThat(csv.statusCode()).as(csv.body()).isEqualTo(201);
      assertThat(csv.body()).contains("\"rows\" : 4");
      assertThat(ndjson.statusCode()).as(ndjson.body()).isEqualTo(201);
      assertThat(ndjson.body()).contains("\"rows\" : 2");
      assertThat(count(url, table)).isEqualTo(6);
    } finally {
      try (Connection connection = DriverManager.getConnection(url);
          Statement statement = connection.createStatement()) {
        statement.execute("DROP TABLE IF EXISTS " + table);
      }
    }
  }

  /** Checks the server answers; fails under CI, skips elsewhere (as the jdbc module's tests). */
  static void requireDatabase(String url) {
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.isValid(5);
    } catch (SQLException e) {
      String message = "database " + url + " is not reachable: " + e.getMessage();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(message + " (CI=true: integration tests need it)");
      }
      Assumptions.abort(message);
    }
  }

  private static HttpRequest.Builder post(String path, String body) {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private static HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
        .timeout(Duration.ofSeconds(30))
        .GET();
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static long count(String table) throws Exception {
    return count(database, table);
  }

  private static long count(String url, String table) throws Exception {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM " + table)) {
      row.next();
      return row.getLong(1);
    }
  }
}
