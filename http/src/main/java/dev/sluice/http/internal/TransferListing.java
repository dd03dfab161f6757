package dev.sluice.http.internal;

import dev.sluice.core.job.JobRegistry;
import dev.sluice.core.job.JobStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The running transfers of a registry as {@code /jobs} lists them, one JSON object each. */
final class TransferListing {

  private TransferListing() {}

  /**
   * The running uploads and downloads of {@code registry}, oldest first: id, direction, key, bytes
   * so far, expected bytes (-1 when unknown), start time, seconds running and the recent rate.
   */
  static List<Map<String, Object>> describe(JobRegistry registry) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (JobStatus job : registry.jobs()) {
      Map<String, Object> transfer = new LinkedHashMap<>();
      transfer.put("id", job.id());
      transfer.put("direction", job.kind());
      transfer.put("key", job.name());
      transfer.put("bytes", job.bytesIn());
      transfer.put("expectedBytes", job.expectedBytes());
      transfer.put("startedAt", job.startedAt().toString());
      transfer.put("seconds", job.elapsed().toMillis() / 1000.0);
      transfer.put("bytesPerSecond", Math.round(job.bytesPerSecond()));
      out.add(transfer);
    }
    return out;
  }
}
