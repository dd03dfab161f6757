package dev.sluice.http.internal;

import dev.sluice.core.AbortReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One running transfer as the dashboard shows it, read from the {@code /jobs} listing: the one
 * place that knows where the running transfers are kept, that listing's field names and how one is
 * cancelled, so a change of the registry behind {@code /jobs} is adapted here only.
 *
 * @param id the id {@code DELETE /jobs/{id}} cancels
 * @param direction {@code upload} or {@code download}
 * @param client the client's address, or null when unknown
 * @param expectedBytes the length announced, or -1 when unknown
 * @param rateLimit bytes/s the transfer is throttled to, 0 when it is not
 * @param offloaded true when an upload writes on the worker pool
 * @param inFlightBytes bytes read but not yet accepted by the sink (0 for downloads)
 */
record TransferRow(
    long id,
    String direction,
    String key,
    String client,
    long bytes,
    long expectedBytes,
    double seconds,
    long rateLimit,
    boolean offloaded,
    long inFlightBytes) {

  /** The transfers running in the server now, oldest first. */
  static List<TransferRow> running(ServerContext context) {
    return from(context.transfers().describe());
  }

  /** Cancels running transfer {@code id} ({@code CANCELLED}); false when none runs. */
  static boolean cancel(ServerContext context, long id) {
    return context.transfers().cancel(id, AbortReason.CANCELLED);
  }

  /** The rows of a {@code /jobs} listing ({@link Transfers#describe()}). */
  static List<TransferRow> from(List<Map<String, Object>> listing) {
    List<TransferRow> rows = new ArrayList<>(listing.size());
    for (Map<String, Object> t : listing) {
      rows.add(
          new TransferRow(
              number(t.get("id")),
              String.valueOf(t.get("direction")),
              String.valueOf(t.get("key")),
              t.get("client") == null ? null : String.valueOf(t.get("client")),
              number(t.get("bytes")),
              t.containsKey("expectedBytes") ? number(t.get("expectedBytes")) : -1,
              t.get("seconds") instanceof Number n ? n.doubleValue() : 0,
              number(t.get("rateLimit")),
              Boolean.TRUE.equals(t.get("offloaded")),
              number(t.get("inFlightBytes"))));
    }
    return rows;
  }

  private static long number(Object value) {
    return value instanceof Number n ? n.longValue() : 0;
  }
}
