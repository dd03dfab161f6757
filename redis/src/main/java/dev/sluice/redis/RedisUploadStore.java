package dev.sluice.redis;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import dev.sluice.core.upload.AppendTracker;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadAppend;
import dev.sluice.core.upload.UploadPreconditions;
import dev.sluice.core.upload.UploadStore;
import dev.sluice.redis.internal.BlobCommands;
import dev.sluice.redis.internal.BlobKeys;
import dev.sluice.redis.internal.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Resumable uploads into a {@link RedisBlobStore}: an upload's bytes are the store's own chunk keys
 * ({@code PREFIX:chunk:KEY:ID:N}, every one full but the last), appended at the offset, and its
 * state is the hash {@code PREFIX:upload:ID} (the upload, the chunk size and the chunk count). The
 * offset is the full chunks plus the last one's length, so another process resumes; each chunk is
 * written together with the count, in one script. Completion swaps in the blob's manifest naming
 * those chunks with the same script as a plain upload, so the object appears atomically. A checksum
 * mismatch restores the partial chunk the append began with and unlinks the chunks it added, in one
 * script. An append holds one chunk in memory.
 */
public final class RedisUploadStore implements UploadStore {

  /** KEYS[1] upload hash, KEYS[2] chunk. ARGV[1] bytes, ARGV[2] the chunk's index. */
  private static final String WRITE_CHUNK =
      """
      if redis.call('EXISTS', KEYS[1]) == 0 then
        return redis.error_reply('SLUICE_NO_UPLOAD')
      end
      redis.call('SET', KEYS[2], ARGV[1])
      local count = tonumber(redis.call('HGET', KEYS[1], 'chunks') or '0')
      if count < tonumber(ARGV[2]) + 1 then
        redis.call('HSET', KEYS[1], 'chunks', tonumber(ARGV[2]) + 1)
      end
      return 1
      """;

  /**
   * KEYS[1] upload hash. ARGV[1] chunk prefix, ARGV[2] the count to go back to, ARGV[3] the count
   * now, ARGV[4] "1" to restore the last chunk to ARGV[5].
   */
  private static final String ROLL_BACK =
      """
      local back = tonumber(ARGV[2])
      redis.call('HSET', KEYS[1], 'chunks', back)
      if ARGV[4] == '1' then
        redis.call('SET', ARGV[1] .. (back - 1), ARGV[5])
      end
      for i = back, tonumber(ARGV[3]) - 1 do
        redis.call('UNLINK', ARGV[1] .. i)
      end
      return 1
      """;

  private final UnifiedJedis redis;
  private final BlobKeys keys;
  private final String prefix;
  private final int chunkSize;
  private final long graceMillis;
  private final Clock clock;
  private final AppendTracker appends = new AppendTracker();

  /** One incomplete upload as Redis holds it. */
  record State(Upload upload, int chunkSize, long chunks, int last) {}

  RedisUploadStore(
      UnifiedJedis redis,
      BlobKeys keys,
      String prefix,
      int chunkSize,
      Duration retiredGrace,
      Clock clock) {
    this.redis = redis;
    this.keys = keys;
    this.prefix = prefix;
    this.chunkSize = chunkSize;
    this.graceMillis = retiredGrace.toMillis();
    this.clock = clock;
  }

  @Override
  public Upload create(NewUpload spec) throws IOException {
    Upload upload = Upload.of(spec, clock.instant());
    String id = upload.id();
    Map<String, String> hash = hashOf(upload);
    hash.put("chunkSize", Integer.toString(chunkSize));
    hash.put("chunks", "0");
    try {
      redis.hset(uploadKey(id), hash);
    } catch (JedisException e) {
      throw new IOException("creating an upload in redis failed: " + e.getMessage(), e);
    }
    return upload;
  }

  @Override
  public Optional<Upload> find(String id) throws IOException {
    return state(id).map(State::upload);
  }

  Optional<State> state(String id) throws IOException {
    if (!Upload.isId(id)) {
      return Optional.empty();
    }
    try {
      Map<String, String> hash = redis.hgetAll(uploadKey(id));
      if (hash.isEmpty()) {
        return Optional.empty();
      }
      Properties p = new Properties();
      p.putAll(hash);
      int size = Integer.parseInt(hash.getOrDefault("chunkSize", "0"));
      long chunks = Long.parseLong(hash.getOrDefault("chunks", "0"));
      Optional<Upload> recorded = Upload.fromProperties(p, 0);
      if (recorded.isEmpty() || recorded.get().complete()) {
        return recorded.map(u -> new State(u, size, chunks, 0));
      }
      int last = chunks == 0 ? 0 : (int) redis.strlen(chunkKey(recorded.get(), chunks - 1));
      long offset = chunks == 0 ? 0 : (chunks - 1) * size + last;
      return Upload.fromProperties(p, offset).map(u -> new State(u, size, chunks, last));
    } catch (JedisException e) {
      throw new IOException("reading upload " + id + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Upload> recorded(String id) throws IOException {
    if (!Upload.isId(id)) {
      return Optional.empty();
    }
    try {
      Map<String, String> hash = redis.hgetAll(uploadKey(id));
      Properties p = new Properties();
      p.putAll(hash);
      return hash.isEmpty() ? Optional.empty() : Upload.fromProperties(p, 0);
    } catch (JedisException e) {
      throw new IOException("reading upload " + id + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Upload> settle(String id) throws IOException {
    return appends.settle(id, () -> find(id));
  }

  @Override
  public UploadAppend append(String id, long offset) throws IOException {
    return appends.exclusive(
        id,
        () -> {
          try {
            State state = existing(id);
            Upload upload = state.upload();
            UploadPreconditions.requireAppendable(upload, offset);
            byte[] chunk = new byte[state.chunkSize()];
            byte[] partial = null;
            long index = state.chunks();
            if (state.chunks() > 0 && state.last() < state.chunkSize()) {
              index = state.chunks() - 1;
              partial = redis.get(chunkKey(upload, index).getBytes(StandardCharsets.UTF_8));
              System.arraycopy(partial, 0, chunk, 0, partial.length);
            }
            RedisUploadAppend append =
                new RedisUploadAppend(
                    this,
                    appends.lifecycle(id, offset, upload.length()),
                    state,
                    chunk,
                    partial,
                    index,
                    appends.digestAt(id, offset));
            appends.started(append.lifecycle());
            return append;
          } catch (JedisException e) {
            throw new IOException("opening an append to upload " + id + " failed", e);
          }
        });
  }

  /** Writes chunk {@code index} of the upload and counts it, in one script. */
  void writeChunk(Upload upload, long index, byte[] data, int length) throws IOException {
    byte[] value = length == data.length ? data : java.util.Arrays.copyOf(data, length);
    try {
      redis.eval(
          WRITE_CHUNK.getBytes(StandardCharsets.UTF_8),
          List.of(
              uploadKey(upload.id()).getBytes(StandardCharsets.UTF_8),
              chunkKey(upload, index).getBytes(StandardCharsets.UTF_8)),
          List.of(value, Long.toString(index).getBytes(StandardCharsets.UTF_8)));
    } catch (JedisException e) {
      throw new IOException(
          "writing chunk " + index + " of upload " + upload.id() + " failed: " + e.getMessage(), e);
    }
  }

  /** Puts the upload back as {@code state} had it: the chunks an append added are unlinked. */
  void rollBack(State state, byte[] partial, long chunksNow) throws IOException {
    Upload upload = state.upload();
    List<byte[]> args = new ArrayList<>();
    args.add(keys.chunkPrefix(upload.key(), upload.id()).getBytes(StandardCharsets.UTF_8));
    args.add(Long.toString(state.chunks()).getBytes(StandardCharsets.UTF_8));
    args.add(Long.toString(Math.max(chunksNow, state.chunks())).getBytes(StandardCharsets.UTF_8));
    args.add((partial != null ? "1" : "0").getBytes(StandardCharsets.UTF_8));
    args.add(partial != null ? partial : new byte[0]);
    try {
      redis.eval(
          ROLL_BACK.getBytes(StandardCharsets.UTF_8),
          List.of(uploadKey(upload.id()).getBytes(StandardCharsets.UTF_8)),
          args);
    } catch (JedisException e) {
      throw new IOException("rolling back an append to upload " + upload.id() + " failed", e);
    }
  }

  @Override
  public Upload declareLength(String id, long length) throws IOException {
    return appends.exclusive(
        id,
        () -> {
          try {
            Upload upload = existing(id).upload();
            if (!UploadPreconditions.needsDeclaring(upload, length)) {
              return upload;
            }
            redis.hset(uploadKey(id), "length", Long.toString(length));
            return upload.withLength(length);
          } catch (JedisException e) {
            throw new IOException("declaring the length of upload " + id + " failed", e);
          }
        });
  }

  @Override
  public Receipt complete(String id) throws IOException {
    return appends.exclusive(
        id,
        () -> {
          try {
            return completeLocked(id);
          } catch (JedisException e) {
            throw new IOException("completing upload " + id + " failed: " + e.getMessage(), e);
          }
        });
  }

  private Receipt completeLocked(String id) throws IOException {
    State state = existing(id);
    Upload upload = state.upload();
    UploadPreconditions.requireCompletable(upload);
    byte[] running = appends.takeDigest(id, upload.offset());
    String sha256 = HexFormat.of().formatHex(running != null ? running : hashChunks(state));
    if (upload.expectedSha256() != null && !upload.expectedSha256().equalsIgnoreCase(sha256)) {
      discard(id);
      throw new DigestMismatchException("sha256", upload.expectedSha256(), sha256);
    }
    Manifest manifest =
        new Manifest(
            upload.offset(),
            state.chunkSize(),
            state.chunks(),
            sha256,
            upload.contentType(),
            "\"" + sha256.substring(0, 32) + "\"",
            clock.instant(),
            id);
    try {
      BlobCommands.commit(
          redis, keys, upload.key(), manifest, upload.overwrite(), "*", graceMillis);
    } catch (IOException e) {
      discard(id);
      throw e;
    }
    Map<String, String> done = hashOf(upload.completed(sha256));
    redis.hset(uploadKey(id), done); // the chunks now belong to the blob
    return Receipt.of(keys.manifest(upload.key()))
        .with("key", upload.key())
        .with("bytes", upload.offset())
        .with("sha256", sha256)
        .with("etag", manifest.etag())
        .with("upload", id)
        .with("offset", upload.offset());
  }

  private byte[] hashChunks(State state) {
    MessageDigest digest = AppendTracker.sha256();
    for (long i = 0; i < state.chunks(); i++) {
      digest.update(redis.get(chunkKey(state.upload(), i).getBytes(StandardCharsets.UTF_8)));
    }
    return digest.digest();
  }

  @Override
  public boolean cancel(String id) throws IOException {
    return appends.cancel(id, () -> discard(id));
  }

  /** Deletes the upload; its chunks too unless it completed (then they are the blob's). */
  private boolean discard(String id) throws IOException {
    appends.forget(id);
    Optional<State> state = state(id);
    try {
      if (state.isPresent() && !state.get().upload().complete()) {
        for (long i = 0; i < state.get().chunks(); i++) {
          redis.unlink(chunkKey(state.get().upload(), i));
        }
      }
      return redis.del(uploadKey(id)) > 0;
    } catch (JedisException e) {
      throw new IOException("cancelling upload " + id + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Upload> list() throws IOException {
    List<Upload> all = new ArrayList<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    String pattern = prefix + ":upload:*";
    try {
      do {
        ScanResult<String> page = redis.scan(cursor, new ScanParams().match(pattern).count(500));
        for (String key : page.getResult()) {
          find(key.substring(key.lastIndexOf(':') + 1)).ifPresent(all::add);
        }
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    } catch (JedisException e) {
      throw new IOException("listing uploads failed: " + e.getMessage(), e);
    }
    return all;
  }

  @Override
  public String toString() {
    return "RedisUploadStore(" + prefix + ")";
  }

  private State existing(String id) throws IOException {
    return state(id).orElseThrow(() -> UploadPreconditions.notFound(id));
  }

  private static Map<String, String> hashOf(Upload upload) {
    Map<String, String> hash = new LinkedHashMap<>();
    upload.toProperties().forEach((k, v) -> hash.put((String) k, (String) v));
    return hash;
  }

  private String uploadKey(String id) {
    return prefix + ":upload:" + id;
  }

  private String chunkKey(Upload upload, long index) {
    return keys.chunkPrefix(upload.key(), upload.id()) + index;
  }
}
