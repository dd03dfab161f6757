package dev.sluice.http.internal;

import dev.sluice.core.AbortReason;
import dev.sluice.core.job.JobRegistry;
import dev.sluice.core.job.JobStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One running transfer as {@code /jobs} lists it and the dashboard shows it: the one place that
 * knows where the running transfers are kept (the server's {@link JobRegistry}), the attributes the
 * server lists beside each ({@link #attributes}), that listing's field names and how one is
 * cancelled.
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

  /** The attribute naming the client's address ({@link JobStatus#attributes()}). */
  static final String CLIENT = "client";

  /** The attribute holding the bytes/s a transfer is throttled to, absent when it is not. */
  static final String RATE_LIMIT = "rateLimit";

  /**
   * What the server lists beside a transfer it starts ({@link
   * dev.sluice.core.job.Ingestion#listedAs(String, String, Map)}, {@link ServerContext#track}).
   *
   * @param client the client's address, or null when unknown
   * @param rateLimit bytes/s it is throttled to, 0 when it is not
   */
  static Map<String, String> attributes(String client, long rateLimit) {
    Map<String, String> out = new HashMap<>();
    if (client != null) {
      out.put(CLIENT, client);
    }
    if (rateLimit > 0) {
      out.put(RATE_LIMIT, Long.toString(rateLimit));
    }
    return Map.copyOf(out);
  }

  /** The transfers running in the server now, oldest first. */
  static List<TransferRow> running(ServerContext context) {
    return from(listing(context.registry()));
  }

  /** Cancels running transfer {@code id} ({@code CANCELLED}); false when none runs. */
  static boolean cancel(ServerContext context, long id) {
    return context.registry().cancel(id, AbortReason.CANCELLED);
  }

  /**
   * The {@code /jobs} listing: for each upload and download running, oldest first, its id,
   * direction, key, bytes so far, expected bytes (-1 when unknown), start time, seconds running,
   * the recent rate, client, throttle rate (0: none), whether it is offloaded and its bytes in
   * flight.
   */
  static List<Map<String, Object>> listing(JobRegistry registry) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (JobStatus job : registry.jobs()) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("id", job.id());
      t.put("direction", job.kind());
      t.put("key", job.name());
      t.put("bytes", job.bytesIn());
      t.put("expectedBytes", job.expectedBytes());
      t.put("startedAt", job.startedAt().toString());
      t.put("seconds", job.elapsed().toMillis() / 1000.0);
      t.put("bytesPerSecond", Math.round(job.bytesPerSecond()));
      t.put("client", job.attributes().get(CLIENT));
      t.put("rateLimit", parseLong(job.attributes().get(RATE_LIMIT)));
      t.put("offloaded", job.offloaded());
      // an upload's transforms only check digests, so what the engine read and its sink has not
      // yet accepted is what is in flight; a tracked download counts one number for both
      t.put("inFlightBytes", Math.max(0, job.bytesIn() - job.bytesOut()));
      out.add(t);
    }
    return out;
  }

  /** The rows of a {@code /jobs} listing ({@link #listing}). */
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

  private static long parseLong(String text) {
    if (text == null) {
      return 0;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
