package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.FileBlobStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
    try (Connection connection = DriverManager.getConnection(database);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT count(*) FROM " + table)) {
      row.next();
      return row.getLong(1);
    }
  }
}
