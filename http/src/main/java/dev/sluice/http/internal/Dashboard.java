package dev.sluice.http.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.job.MemoryBudget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live dashboard: {@code GET /} and {@code /dashboard} answer one self-contained page (no
 * script or style from elsewhere) that polls {@code GET /dashboard/data} once a second; {@code
 * DELETE /jobs/{id}} cancels a running transfer. The page is open to anyone (it holds no data); the
 * data and the cancel need the token, like {@code /jobs} and any write. One instance per server;
 * its sampler thread stops with the server's job registry.
 */
public final class Dashboard {

  /** The most transfers one answer lists; the page pages through the rest. */
  static final int MAX_LIMIT = 200;

  private static final ObjectMapper COMPACT = new ObjectMapper();

  private final ServerContext context;
  private final DashboardHistory history;
  private final byte[] page;

  public Dashboard(ServerContext context) {
    this.context = context;
    this.history = context.registry().own(new DashboardHistory(context));
    this.page = resource("dashboard.html");
  }

  private static byte[] resource(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard page is missing from the jar: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code GET /} or {@code /dashboard}: the page. */
  void page(Exchange exchange) throws IOException {
    exchange.header("Cache-Control", "no-cache");
    exchange.header("X-Content-Type-Options", "nosniff");
    exchange.header(
        "Content-Security-Policy",
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
            + " connect-src 'self'; img-src 'self' data:");
    exchange.respondText(200, "text/html; charset=utf-8", new String(page, StandardCharsets.UTF_8));
  }

  /**
   * {@code GET /dashboard/data?since=MS&offset=N&limit=N&sort=rate|bytes|started}: the samples
   * taken after {@code since}, counts, memory, and one page of the running transfers.
   */
  void data(Exchange exchange) throws IOException {
    long since = number(exchange, "since", 0, Long.MAX_VALUE, 0);
    int offset = (int) number(exchange, "offset", 0, Integer.MAX_VALUE, 0);
    int limit = (int) number(exchange, "limit", 1, MAX_LIMIT, 25);
    String sort = exchange.query("sort") == null ? "rate" : exchange.query("sort");
    Comparator<TransferRow> order =
        switch (sort) {
          case "rate" -> Comparator.comparingDouble((TransferRow r) -> -history.rate(r.id()));
          case "bytes" -> Comparator.comparingLong((TransferRow r) -> -r.bytes());
          case "started" -> Comparator.comparingLong(TransferRow::id);
          default ->
              throw new HttpProblem(400, "sort must be rate, bytes or started, not '" + sort + "'");
        };
    List<TransferRow> rows = TransferRow.running(context);
    rows.sort(order.thenComparingLong(TransferRow::id));
    List<Map<String, Object>> page = new ArrayList<>();
    for (int i = offset; i < Math.min(rows.size(), offset + (long) limit); i++) {
      page.add(row(rows.get(i)));
    }
    Map<String, Object> transfers = new LinkedHashMap<>();
    transfers.put("total", rows.size());
    transfers.put("offset", offset);
    transfers.put("limit", limit);
    transfers.put("sort", sort);
    transfers.put("rows", page);

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("now", System.currentTimeMillis());
    out.put("transfers", transfers);
    out.put("counts", counts(rows));
    out.put("aborts", context.metrics().countsBy("sluice.aborts", "reason"));
    out.put("memory", memory());
    out.put("history", history.columns(since));
    exchange.respondText(200, "application/json", COMPACT.writeValueAsString(out));
  }

  /** {@code DELETE /jobs/{id}}: cancels that transfer ({@code CANCELLED}); 202, or 404. */
  void cancel(Exchange exchange, String idText) throws IOException {
    long id;
    try {
      id = Long.parseLong(idText);
    } catch (NumberFormatException e) {
      throw new HttpProblem(400, "a job id is a number, not '" + idText + "'");
    }
    if (!TransferRow.cancel(context, id)) {
      throw new HttpProblem(404, "no running transfer " + id);
    }
    exchange.respond(202, Map.of("id", id, "cancelled", true));
  }

  private Map<String, Object> row(TransferRow r) {
    double rate = history.rate(r.id());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", r.id());
    out.put("direction", r.direction());
    out.put("key", r.key());
    out.put("client", r.client());
    out.put("bytes", r.bytes());
    out.put("expectedBytes", r.expectedBytes());
    out.put("bytesPerSecond", Math.round(rate));
    out.put(
        "etaSeconds",
        r.expectedBytes() >= 0 && rate > 0
            ? Math.round((r.expectedBytes() - r.bytes()) / rate)
            : null);
    out.put("rateLimit", r.rateLimit());
    out.put("offloaded", r.offloaded());
    out.put("seconds", r.seconds());
    return out;
  }

  private Map<String, Object> counts(List<TransferRow> rows) {
    Map<String, Object> active = new LinkedHashMap<>();
    active.put("upload", rows.stream().filter(r -> r.direction().equals("upload")).count());
    active.put("download", rows.stream().filter(r -> r.direction().equals("download")).count());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("active", active);
    out.put("ended", context.metrics().countsBy("sluice.transfers", "outcome"));
    out.put("uploads", context.metrics().countsBy("sluice.transfers", "direction").get("upload"));
    out.put(
        "downloads", context.metrics().countsBy("sluice.transfers", "direction").get("download"));
    out.put("bytesIn", context.metrics().bytesInTotal());
    out.put("bytesOut", context.metrics().bytesOutTotal());
    out.put("waiting", context.admission().waiting());
    return out;
  }

  private Map<String, Object> memory() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    MemoryBudget budget = context.admission().memory();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("heapUsed", heap.getUsed());
    out.put("heapMax", heap.getMax());
    out.put("directUsed", MemoryBudget.directMemoryUsed());
    out.put("rss", DashboardHistory.residentBytes());
    out.put("budget", budget.capacity());
    out.put("budgetUsed", budget.used());
    return out;
  }

  private static long number(Exchange exchange, String name, long min, long max, long absent) {
    String text = exchange.query(name);
    if (text == null || text.isEmpty()) {
      return absent;
    }
    try {
      long value = Long.parseLong(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new HttpProblem(400, name + " must be a whole number from " + min + " to " + max);
  }
}
