package dev.sluice.http;

import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.endpoint.EndpointProvider;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.http.internal.Exchange;
import dev.sluice.http.internal.HttpProblem;
import dev.sluice.http.internal.RequestBodySource;
import dev.sluice.http.internal.UploadTarget;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /tables/{table}} routes over a database reached through an {@link EndpointProvider}
 * (the {@code jdbc} module's, for a {@code jdbc:} URL), plugged in with {@link
 * SluiceServer.Builder#route}:
 *
 * <ul>
 *   <li>{@code POST /tables/{table}}: the body (CSV with a header row, or NDJSON) becomes rows in
 *       one transaction; 201 with the row count. A malformed row is a 400 naming its line, and
 *       nothing is stored.
 *   <li>{@code GET /tables/{table}}: the rows, streamed through a cursor as CSV or NDJSON.
 * </ul>
 *
 * <p>The format is {@code ?format=csv|ndjson}, else taken from {@code Content-Type} ({@code
 * application/x-ndjson}) or {@code Accept}, else CSV. {@code ?create-table=true} creates a missing
 * table from the CSV header; without it a missing table is a 404 naming it. The table name is
 * checked as the client sent it: a path parameter ({@code /tables/x;drop}) or an encoded character
 * is a 400, never silently dropped. Responses name the table, never the database's location; a
 * server-side failure is logged in full and answered without its detail.
 *
 * {@snippet :
 * SluiceServer.builder(config, store)
 *     .route("/tables/", new TablesHandler("jdbc:h2:./sluice-data/db"))
 *     .start();
 * }
 *
 * <p>A tus 1.0 or IETF resumable-upload client may send its creation request to {@code
 * /tables/{table}} (with the same query options) when the server keeps resumable uploads: the bytes
 * are staged as a hidden object while they arrive, and the request that completes the upload loads
 * them as a POST would, answering the rows (the JSON body for the IETF draft, a {@code Sluice-Rows}
 * header on tus's 204). A load that fails then commits nothing and discards the upload (see {@link
 * dev.sluice.http.internal.ResumableUploads}).
 *
 * <p>Left out: these transfers are not listed in {@code /jobs} nor drained by a graceful shutdown,
 * because extra routes see only the Jetty request.
 */
public final class TablesHandler implements Request.Handler {

  static final String PREFIX = "/tables/";
  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int CHUNK = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(TablesHandler.class);

  private final String database;
  private final EndpointProvider provider;

  /**
   * @throws IllegalArgumentException if no endpoint provider on the class path handles {@code
   *     databaseUrl}
   */
  public TablesHandler(String databaseUrl) {
    this.database = databaseUrl;
    EndpointProvider found = null;
    for (EndpointProvider candidate : ServiceLoader.load(EndpointProvider.class)) {
      if (candidate.handles(databaseUrl)) {
        found = candidate;
        break;
      }
    }
    if (found == null) {
      throw new IllegalArgumentException("no endpoint provider handles the database " + redact());
    }
    this.provider = found;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Exchange exchange = new Exchange(request, response, callback);
    String path = exchange.path();
    if (!path.startsWith(PREFIX)) {
      return false;
    }
    String table = tableName(exchange.request(), path.substring(PREFIX.length()));
    switch (exchange.method()) {
      case "POST" -> load(exchange, table);
      case "GET" -> export(exchange, table);
      default ->
          throw new HttpProblem(
              405, exchange.method() + " is not allowed on " + path, Map.of("Allow", "GET, POST"));
    }
    return true;
  }

  /**
   * The table name as the client sent it (still encoded, path parameters included, which the
   * decoded path has lost), checked against the rule.
   */
  static String tableName(Request request, String decoded) {
    String raw = request.getHttpURI().getPath();
    int at = raw == null ? -1 : raw.indexOf(PREFIX);
    String sent = at < 0 ? decoded : raw.substring(at + PREFIX.length());
    if (!TABLE.matcher(sent).matches()) {
      String shown = sent.length() > 200 ? sent.substring(0, 200) + "…" : sent;
      throw new HttpProblem(400, "table name must be a plain SQL name like events: " + shown);
    }
    return sent;
  }

  private void load(Exchange exchange, String table) throws Exception {
    String format = format(exchange, exchange.header(HttpHeader.CONTENT_TYPE));
    boolean createTable = "true".equalsIgnoreCase(exchange.query("create-table"));
    Source body =
        new RequestBodySource(exchange.request(), "request body of POST /tables/" + table, -1);
    exchange.respond(201, load(table, format, createTable, body));
  }

  /**
   * Streams {@code rows} (closed here, whatever happens) into {@code table} in one transaction and
   * returns the answer: the table, the format, the rows the database committed and the bytes read.
   *
   * @throws HttpProblem with nothing stored: 400 naming a malformed row, 404 a missing table, 413 a
   *     limit, 503 an unreachable database, 500 anything else (logged, not quoted)
   */
  Map<String, Object> load(String table, String format, boolean createTable, Source rows)
      throws Exception {
    Map<String, String> options = new HashMap<>();
    options.put("table", table);
    options.put("format", format);
    if (createTable) {
      options.put("create-table", "true");
    }
    Sink sink;
    try {
      sink = provider.openSink(database, options);
    } catch (IllegalArgumentException | InvalidInputException e) {
      rows.close();
      throw new HttpProblem(400, e.getMessage());
    } catch (FileNotFoundException e) {
      rows.close();
      throw new HttpProblem(404, e.getMessage());
    } catch (IOException e) {
      rows.close();
      LOG.warn("loading into table {}: cannot open the load", table, e);
      throw new HttpProblem(503, "cannot reach the database to load into table " + table);
    }
    IngestionReport report;
    try {
      report = Ingestion.from(rows).to(sink).run();
    } catch (IngestionException e) {
      throw switch (e.reason()) {
        case INVALID_INPUT ->
            e.getCause() instanceof FileNotFoundException missing
                ? new HttpProblem(404, missing.getMessage())
                : new HttpProblem(400, e.getCause().getMessage() + "; nothing was stored");
        case LIMIT_EXCEEDED ->
            new HttpProblem(413, e.getCause().getMessage() + "; nothing was stored");
        case CLIENT_DISCONNECT -> e;
        default -> {
          LOG.warn("loading into table {} failed", table, e);
          yield new HttpProblem(
              500,
              "loading into table " + table + " failed (" + e.reason() + "); nothing was stored");
        }
      };
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("table", table);
    answer.put("format", format);
    answer.put("rows", Long.parseLong(report.receipt().details().getOrDefault("rows", "0")));
    answer.put("bytes", report.bytesIn());
    return answer;
  }

  /** What resumable uploads to {@code /tables/{table}} become on completion: rows of the table. */
  UploadTarget uploadTarget() {
    return new TableUploadTarget(this);
  }

  private void export(Exchange exchange, String table) throws Exception {
    String format = format(exchange, exchange.header(HttpHeader.ACCEPT));
    Source rows;
    try {
      rows = provider.openSource(database, Map.of("table", table, "format", format));
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(400, e.getMessage());
    } catch (IOException e) {
      LOG.info("GET /tables/{}: cannot read it", table, e);
      throw new HttpProblem(404, "cannot read table " + table);
    }
    try (rows) {
      exchange.status(200);
      exchange.header(
          HttpHeader.CONTENT_TYPE,
          format.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson");
      ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
      while (rows.read(chunk.clear()) != -1) {
        exchange.write(chunk.flip(), false);
      }
      exchange.write(ByteBuffer.allocate(0), true);
    }
    exchange.finish();
  }

  static String format(Exchange exchange, String mediaType) {
    String asked = exchange.query("format");
    if (asked != null) {
      String lower = asked.toLowerCase(Locale.ROOT);
      if (!lower.equals("csv") && !lower.equals("ndjson")) {
        throw new HttpProblem(400, "format must be csv or ndjson: " + asked);
      }
      return lower;
    }
    if (mediaType != null) {
      String lower = mediaType.toLowerCase(Locale.ROOT);
      if (lower.contains("ndjson") || lower.contains("jsonl")) {
        return "ndjson";
      }
    }
    return "csv";
  }

  private String redact() {
    return dev.sluice.core.Secrets.redact(database);
  }

  @Override
  public String toString() {
    return "tables(" + redact() + ")";
  }
}
