package dev.sluice.redis.internal;

import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The Lua scripts that change which version of a blob is visible. Each runs atomically in Redis, so
 * a reader sees the old manifest or the new one, never a mix, and a crash between steps cannot
 * leave a manifest pointing at chunks that are about to expire.
 *
 * <p>The scripts build chunk key names from a prefix and a count rather than taking them as {@code
 * KEYS}: they are for a standalone Redis (or one shard), not Redis Cluster.
 */
public final class BlobCommands {

  /**
   * KEYS[1] manifest, KEYS[2] the key index. ARGV[1] "1" if an existing blob may be replaced;
   * ARGV[2] the new upload's chunk key prefix; ARGV[3] its chunk count; ARGV[4] the key's chunk
   * root (old upload id follows); ARGV[5] the upload id the manifest must name ("" none, "*" any);
   * ARGV[6] how long the old version's chunks stay readable, in ms (0: unlinked at once); ARGV[7]
   * the blob's key; ARGV[8..] manifest field/value pairs. Checks the expected version and every new
   * chunk, removes their staging TTL, swaps the manifest, indexes the key and retires the old
   * version's chunks.
   */
  private static final String COMMIT =
      """
      local manifest = KEYS[1]
      if ARGV[1] ~= '1' and redis.call('EXISTS', manifest) == 1 then
        return redis.error_reply('SLUICE_EXISTS')
      end
      if ARGV[5] ~= '*' then
        local current = redis.call('HGET', manifest, 'uploadId') or ''
        if current ~= ARGV[5] then
          return redis.error_reply('SLUICE_CHANGED')
        end
      end
      local count = tonumber(ARGV[3])
      for i = 0, count - 1 do
        if redis.call('EXISTS', ARGV[2] .. i) == 0 then
          return redis.error_reply('SLUICE_MISSING_CHUNK ' .. i)
        end
      end
      for i = 0, count - 1 do
        redis.call('PERSIST', ARGV[2] .. i)
      end
      local old = redis.call('HMGET', manifest, 'uploadId', 'chunks')
      redis.call('DEL', manifest)
      redis.call('HSET', manifest, unpack(ARGV, 8))
      redis.call('ZADD', KEYS[2], 0, ARGV[7])
      if old[1] and old[2] then
        local grace = tonumber(ARGV[6])
        for i = 0, tonumber(old[2]) - 1 do
          if grace > 0 then
            redis.call('PEXPIRE', ARGV[4] .. old[1] .. ':' .. i, grace)
          else
            redis.call('UNLINK', ARGV[4] .. old[1] .. ':' .. i)
          end
        end
      end
      return 1
      """;

  /**
   * KEYS[1] manifest, KEYS[2] the key index. ARGV[1] the key's chunk root; ARGV[2] the upload id
   * the manifest must name ("" none, "*" any); ARGV[3] the grace of the old chunks in ms; ARGV[4]
   * the blob's key. Removes the manifest and its index entry, then retires its chunks.
   */
  private static final String DELETE =
      """
      local old = redis.call('HMGET', KEYS[1], 'uploadId', 'chunks')
      if ARGV[2] ~= '*' and (old[1] or '') ~= ARGV[2] then
        return redis.error_reply('SLUICE_CHANGED')
      end
      if not old[1] then
        return 0
      end
      redis.call('DEL', KEYS[1])
      redis.call('ZREM', KEYS[2], ARGV[4])
      local grace = tonumber(ARGV[3])
      for i = 0, tonumber(old[2]) - 1 do
        if grace > 0 then
          redis.call('PEXPIRE', ARGV[1] .. old[1] .. ':' .. i, grace)
        else
          redis.call('UNLINK', ARGV[1] .. old[1] .. ':' .. i)
        end
      end
      return 1
      """;

  /** The manifest changed between reading it and the script: the caller looks again. */
  public static final class Changed extends java.io.IOException {
    Changed(String manifest) {
      super("blob " + manifest + " changed while its precondition was tested");
    }
  }

  private BlobCommands() {}

  /**
   * Makes {@code manifest} the visible version of {@code key}.
   *
   * @throws FileAlreadyExistsException if a blob exists and {@code overwrite} is false
   * @throws java.io.IOException if a chunk of the upload is gone (its staging TTL ran out)
   */
  public static void commit(
      UnifiedJedis redis,
      BlobKeys keys,
      String key,
      Manifest manifest,
      boolean overwrite,
      String expectedUploadId,
      long graceMillis)
      throws java.io.IOException {
    List<String> args = new ArrayList<>();
    args.add(overwrite ? "1" : "0");
    args.add(keys.chunkPrefix(key, manifest.uploadId()));
    args.add(Long.toString(manifest.chunks()));
    args.add(keys.chunkRoot(key));
    args.add(expectedUploadId);
    args.add(Long.toString(graceMillis));
    args.add(key);
    for (Map.Entry<String, String> field : manifest.toHash().entrySet()) {
      args.add(field.getKey());
      args.add(field.getValue());
    }
    try {
      redis.eval(COMMIT, List.of(keys.manifest(key), keys.index()), args);
    } catch (JedisDataException e) {
      String message = String.valueOf(e.getMessage());
      // Redis puts "ERR " before a script's error reply
      if (message.contains("SLUICE_CHANGED")) {
        throw new Changed(keys.manifest(key));
      }
      if (message.contains("SLUICE_EXISTS")) {
        throw new FileAlreadyExistsException(
            keys.manifest(key), null, "a blob exists under this key and may not be replaced");
      }
      int missing = message.indexOf("SLUICE_MISSING_CHUNK ");
      if (missing >= 0) {
        throw new java.io.IOException(
            "cannot commit blob "
                + keys.manifest(key)
                + ": chunk "
                + message.substring(missing + "SLUICE_MISSING_CHUNK ".length())
                + " of upload "
                + manifest.uploadId()
                + " is gone (its staging TTL ran out, or it was deleted)",
            e);
      }
      throw e;
    }
  }

  /**
   * Removes the visible version of {@code key} if it is the upload {@code expectedUploadId} (""
   * none, "*" any); false if there was none.
   *
   * @throws Changed if the manifest names another upload
   */
  public static boolean delete(
      UnifiedJedis redis, BlobKeys keys, String key, String expectedUploadId, long graceMillis)
      throws Changed {
    Object removed;
    try {
      removed =
          redis.eval(
              DELETE,
              List.of(keys.manifest(key), keys.index()),
              List.of(keys.chunkRoot(key), expectedUploadId, Long.toString(graceMillis), key));
    } catch (JedisDataException e) {
      if (String.valueOf(e.getMessage()).contains("SLUICE_CHANGED")) {
        throw new Changed(keys.manifest(key));
      }
      throw e;
    }
    return Long.valueOf(1).equals(removed);
  }
}
