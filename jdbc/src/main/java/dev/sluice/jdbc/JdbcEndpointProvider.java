package dev.sluice.jdbc;

import dev.sluice.core.Secrets;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.endpoint.EndpointProvider;
import java.io.IOException;
import java.util.Map;

/**
 * Handles {@code jdbc:} locations for the command line and the server.
 *
 * <ul>
 *   <li>sink: options {@code table} (required), {@code format} ({@code csv}, the default, or {@code
 *       ndjson}), {@code create-table}, {@code batch-size} (generic JDBC only);
 *   <li>source: {@code query}, or {@code table} to export it whole; {@code format}; {@code
 *       fetch-size};
 *   <li>store: PostgreSQL only; option {@code table} names the blob table ({@code sluice_blobs}).
 * </ul>
 */
public final class JdbcEndpointProvider implements EndpointProvider {

  /** The provider {@link java.util.ServiceLoader} makes. */
  public JdbcEndpointProvider() {}

  @Override
  public boolean handles(String location) {
    return location.startsWith("jdbc:");
  }

  @Override
  public String forms() {
    return "jdbc:URL --table T or --query SQL (rows in and out)";
  }

  @Override
  public String storeForms() {
    return "jdbc:postgresql://HOST/DB (objects as large objects)";
  }

  @Override
  public Sink openSink(String location, Map<String, String> options) throws IOException {
    String table = options.get("table");
    if (table == null) {
      throw new IllegalArgumentException("writing to " + redact(location) + " needs --table");
    }
    TableLoad load =
        TableLoad.csv(table)
            .withFormat(RecordFormat.parse(options.getOrDefault("format", "csv")))
            .withCreateTable(flag(options.get("create-table")))
            .withBatchSize(positive(options, "batch-size", TableLoad.DEFAULT_BATCH_SIZE));
    return JdbcSinks.table(location, load);
  }

  @Override
  public Source openSource(String location, Map<String, String> options) throws IOException {
    String query = options.get("query");
    String table = options.get("table");
    if (query == null && table == null) {
      throw new IllegalArgumentException(
          "reading from " + redact(location) + " needs --query or --table");
    }
    if (query == null) {
      query = "SELECT * FROM " + TableLoad.csv(table).table();
    }
    return JdbcSources.query(
        location,
        query,
        RecordFormat.parse(options.getOrDefault("format", "csv")),
        positive(options, "fetch-size", JdbcSources.DEFAULT_FETCH_SIZE));
  }

  @Override
  public BlobStore openStore(String location, Map<String, String> options) throws IOException {
    return PostgresBlobStore.builder(location)
        .table(options.getOrDefault("table", PostgresBlobStore.DEFAULT_TABLE))
        .build();
  }

  private static boolean flag(String value) {
    return value != null && !value.equalsIgnoreCase("false");
  }

  private static int positive(Map<String, String> options, String name, int fallback) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a positive integer: " + value);
  }

  private static String redact(String location) {
    return Secrets.redact(location);
  }
}
