package dev.sluice.redis.internal;

import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Receipt;
import dev.sluice.records.Row;
import dev.sluice.records.RowSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

/**
 * Adds each row as one entry ({@code XADD}, pipelined, synced every {@code depth} entries) to a
 * staging stream {@code TARGET:sluice-staging:UPLOAD}, which has a TTL, then commits:
 *
 * <ul>
 *   <li>if the target does not exist, one script renames the staging stream onto it: atomic, the
 *       entries appear all at once;
 *   <li>if it exists, scripts append the staged entries to it in batches of {@value #APPEND_BATCH}
 *       (new ids, each batch atomic), then the staging stream is deleted. Consumers may see the
 *       batches arrive during the commit, and a commit failing part-way (say, the connection is
 *       lost) leaves the batches already appended in place: the error says how many. Entries cannot
 *       be taken back from a stream others may already have read.
 * </ul>
 *
 * An abort unlinks the staging stream, so it leaves no key; a crashed client's staging stream
 * expires with its TTL. A JSON {@code null} field is left out of the entry.
 */
public final class StreamStager implements RowSink {

  /** Staged entries copied to an existing target per script call. */
  static final int APPEND_BATCH = 1000;

  private final UnifiedJedis redis;
  private final String target;
  private final String staging;
  private final byte[] stagingKey;
  private final long maxLen;
  private final int depth;
  private final long stagingTtlMillis;
  private final XAddParams createParams;
  private final XAddParams params;
  private final List<Response<?>> inFlight = new ArrayList<>();
  private AbstractPipeline pipeline;
  private long added;
  private boolean ended;

  /**
   * @param maxLen trim the target to about this many entries ({@code MAXLEN ~}), or 0 for no trim
   * @param depth entries sent before waiting for their replies
   */
  public StreamStager(
      UnifiedJedis redis,
      String target,
      String uploadId,
      long maxLen,
      int depth,
      Duration stagingTtl) {
    this.redis = redis;
    this.target = target;
    this.staging = target + ":sluice-staging:" + uploadId;
    this.stagingKey = staging.getBytes(StandardCharsets.UTF_8);
    this.maxLen = maxLen;
    this.depth = depth;
    this.stagingTtlMillis = stagingTtl.toMillis();
    this.createParams = xaddParams(maxLen);
    // after the first entry: an XADD that lands after an abort's UNLINK must not recreate the key
    this.params = xaddParams(maxLen).noMkStream();
  }

  private static XAddParams xaddParams(long maxLen) {
    XAddParams xadd = XAddParams.xAddParams();
    if (maxLen > 0) {
      xadd.maxLen(maxLen).approximateTrimming(); // the staging stream never outgrows the target
    }
    return xadd;
  }

  /** The staging stream's key. */
  public String staging() {
    return staging;
  }

  @Override
  public void accept(Row row) throws IOException {
    if (ended) {
      throw new IllegalStateException("redis stream sink already ended: " + this);
    }
    // byte[] keys and values: Jedis then returns the XADD reply raw instead of parsing an id
    Map<byte[], byte[]> fields = new LinkedHashMap<>();
    for (int i = 0; i < row.columns().size(); i++) {
      String value = row.values().get(i);
      if (value != null) {
        fields.put(
            row.columns().get(i).getBytes(StandardCharsets.UTF_8),
            value.getBytes(StandardCharsets.UTF_8));
      }
    }
    if (fields.isEmpty()) {
      throw new InvalidInputException(
          "line "
              + row.line()
              + ", byte "
              + row.offset()
              + ": a record needs at least one non-null field to become a stream entry");
    }
    try {
      if (pipeline == null) {
        pipeline = redis.pipelined();
      }
      if (added == 0) {
        inFlight.add(pipeline.xadd(stagingKey, createParams, fields));
        inFlight.add(pipeline.pexpire(stagingKey, stagingTtlMillis));
      } else {
        inFlight.add(pipeline.xadd(stagingKey, params, fields));
      }
      added++;
      if (inFlight.size() >= depth) {
        sync();
      }
    } catch (JedisException e) {
      throw RedisErrors.wrap("adding line " + row.line() + " to " + staging, e);
    }
  }

  /** Waits for the replies in flight and fails on the first error among them. */
  private void sync() throws IOException {
    pipeline.sync();
    try {
      for (Response<?> response : inFlight) {
        if (response.get() == null) { // get() throws the command's error, if any
          throw new IOException(
              "the staging stream "
                  + staging
                  + " vanished while records were added (deleted, or its TTL ran out)");
        }
      }
    } finally {
      inFlight.clear();
    }
  }

  @Override
  public Receipt commit() throws IOException {
    if (ended) {
      throw new IllegalStateException("redis stream sink already ended: " + this);
    }
    ended = true;
    long appended = 0;
    try {
      if (pipeline != null) {
        sync();
        pipeline.close();
        pipeline = null;
      }
      if (added == 0) {
        return receipt("unchanged");
      }
      String trim = maxLen > 0 ? Long.toString(maxLen) : "";
      if (renameIfAbsent(trim)) {
        return receipt("created");
      }
      String start = "-";
      while (true) {
        StreamCommands.Batch batch =
            StreamCommands.appendBatch(redis, staging, target, start, APPEND_BATCH, trim);
        if (batch.count() == 0) {
          break;
        }
        appended += batch.count();
        start = "(" + batch.lastId();
      }
      redis.unlink(staging);
      return receipt("appended");
    } catch (JedisException e) {
      IOException failure =
          e.getMessage() != null && e.getMessage().contains("SLUICE_NOT_A_STREAM")
              ? new IOException(
                  "cannot append to " + target + ": the key exists and is not a stream")
              : RedisErrors.wrap(
                  "committing "
                      + this
                      + (appended > 0
                          ? " (" + appended + " of " + added + " entries were appended already)"
                          : ""),
                  e);
      discard(failure);
      throw failure;
    } catch (IOException | RuntimeException | Error e) {
      discard(e);
      throw e;
    }
  }

  /**
   * Runs the rename script. If the connection fails around it, the script may have run: the staging
   * stream is gone only if it did (an abort is the only other remover, and it has not run), so that
   * is checked before giving up.
   */
  private boolean renameIfAbsent(String trim) {
    try {
      return StreamCommands.renameIfAbsent(redis, staging, target, trim);
    } catch (JedisConnectionException e) {
      try {
        if (!redis.exists(staging) && redis.exists(target)) {
          return true;
        }
      } catch (JedisException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
  }

  private Receipt receipt(String outcome) {
    return Receipt.of("redis-stream(" + target + ")")
        .with("records", added)
        .with("stream", target)
        .with("outcome", outcome);
  }

  @Override
  public void abort(Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    discard(cause);
  }

  /**
   * Lets the pipeline's last commands land, then unlinks the staging stream; failures are attached
   * to {@code cause}. (Unlinking first could let an XADD still in flight recreate the key.)
   */
  private void discard(Throwable cause) {
    if (pipeline != null) {
      try {
        pipeline.close();
      } catch (RuntimeException e) {
        suppress(cause, e);
      }
      pipeline = null;
    }
    try {
      RedisErrors.cleanUp(() -> redis.unlink(stagingKey));
    } catch (RuntimeException e) {
      suppress(cause, e);
    }
  }

  private static void suppress(Throwable cause, Throwable later) {
    if (cause != null && cause != later) {
      cause.addSuppressed(later);
    }
  }

  @Override
  public String toString() {
    return "redis-stream(" + target + ")";
  }
}
