package dev.sluice.redis.internal;

import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The Lua scripts that move staged entries into a target stream. Each call runs atomically in
 * Redis; see {@link StreamStager} for how they make a commit.
 */
final class StreamCommands {

  /**
   * KEYS[1] staging, KEYS[2] target; ARGV[1] MAXLEN or ''. If the target does not exist, renames
   * the staging stream onto it (dropping the staging TTL) and returns 1; returns 0 if it exists.
   */
  private static final String RENAME_IF_ABSENT =
      """
      if redis.call('EXISTS', KEYS[2]) == 0 then
        redis.call('RENAME', KEYS[1], KEYS[2])
        redis.call('PERSIST', KEYS[2])
        if ARGV[1] ~= '' then
          redis.call('XTRIM', KEYS[2], 'MAXLEN', '~', ARGV[1])
        end
        return 1
      end
      if redis.call('TYPE', KEYS[2]).ok ~= 'stream' then
        return redis.error_reply('SLUICE_NOT_A_STREAM')
      end
      return 0
      """;

  /**
   * KEYS[1] staging, KEYS[2] target; ARGV[1] the XRANGE start ('-' or '(' + last id copied),
   * ARGV[2] how many entries, ARGV[3] MAXLEN or ''. Appends the next entries of the staging stream
   * to the target with new ids; returns {last staging id copied, how many}, or {'', 0}.
   */
  private static final String APPEND_BATCH =
      """
      local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', tonumber(ARGV[2]))
      for _, entry in ipairs(entries) do
        if ARGV[3] == '' then
          redis.call('XADD', KEYS[2], '*', unpack(entry[2]))
        else
          redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(entry[2]))
        end
      end
      if #entries == 0 then
        return {'', 0}
      end
      return {entries[#entries][1], #entries}
      """;

  private StreamCommands() {}

  /** True if the staging stream became the target; false if the target exists (a stream). */
  static boolean renameIfAbsent(UnifiedJedis redis, String staging, String target, String maxLen) {
    return Long.valueOf(1)
        .equals(redis.eval(RENAME_IF_ABSENT, List.of(staging, target), List.of(maxLen)));
  }

  /** What one append call copied: the last staging id ("" if none) and how many entries. */
  record Batch(String lastId, long count) {}

  /** Appends up to {@code count} staged entries after {@code start}. */
  static Batch appendBatch(
      UnifiedJedis redis, String staging, String target, String start, int count, String maxLen) {
    List<?> reply =
        (List<?>)
            redis.eval(
                APPEND_BATCH,
                List.of(staging, target),
                List.of(start, Integer.toString(count), maxLen));
    return new Batch(String.valueOf(reply.get(0)), (Long) reply.get(1));
  }
}
