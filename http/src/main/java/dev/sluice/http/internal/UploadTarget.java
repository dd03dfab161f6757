package dev.sluice.http.internal;

import dev.sluice.core.Source;
import java.util.Map;

/**
 * Something other than an object that a resumable upload can become, such as a table's rows: a
 * client sends its creation request to the target's own URL (e.g. {@code POST /tables/events}), the
 * upload's bytes are staged as an object under a key of the target's reserved namespace, and the
 * request that completes the upload hands them to {@link #load}.
 *
 * <p>The staging key is all the upload remembers of its target, so it holds every option of the
 * creation request (a table's format, say): a restarted server, or another node, completes the
 * upload as the one that created it would have. Implementations are thread-safe: many uploads
 * complete at once.
 */
public interface UploadTarget {

  /** Requests whose path starts with this (e.g. {@code /tables/}) create uploads for it. */
  String prefix();

  /**
   * A fresh staging key for the upload that {@code creation} creates, naming the target and the
   * options the request gives (its path and query; {@code contentType} is the media type the
   * protocol declared for the whole upload, or null).
   *
   * @throws HttpProblem 400 naming the rule when the request names no valid target
   */
  String stagingKey(Exchange creation, String contentType);

  /** Whether {@code key} is one of the staging keys this target hands out. */
  boolean stages(String key);

  /**
   * Streams {@code staged} (which this closes) into the target {@code stagingKey} names, all of it
   * or nothing, and returns what the completing request answers in its body, as the target's plain
   * write would.
   *
   * @throws HttpProblem naming the input and the rule when nothing was committed (a malformed row,
   *     a missing table)
   */
  Map<String, Object> load(String stagingKey, Source staged) throws Exception;
}
