package dev.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.XAddParams;

/**
 * The hand-written Jedis loops that {@code bench/redis.sh} runs beside {@code sluice ingest}: what
 * a team would write without Sluice, with none of its staging, hashing or cleanup.
 *
 * <ul>
 *   <li>{@code stream FILE KEY}: each NDJSON line parsed with Jackson into a field map, {@code
 *       XADD} straight to {@code KEY}, pipelined with a sync every 1,000;
 *   <li>{@code blob-write FILE KEY CHUNK}: the file in {@code CHUNK}-byte {@code SET}s of {@code
 *       KEY:n};
 *   <li>{@code blob-read KEY CHUNK SIZE}: those keys read back with {@code GET} to stdout.
 * </ul>
 */
public final class RedisBaseline {

  private RedisBaseline() {}

  /**
   * Runs one mode and prints {@code … in SECONDS s} to stderr, the time from after connecting to
   * the end (as {@code sluice ingest}'s summary times its transfer), for the in-process rate.
   */
  public static void main(String[] args) throws IOException {
    try (RedisClient redis = RedisClient.create("redis://127.0.0.1:6379/0")) {
      redis.ping(); // sluice's summary times the transfer after the sink connected
      long start = System.nanoTime();
      switch (args[0]) {
        case "stream" -> stream(redis, Path.of(args[1]), args[2]);
        case "blob-write" -> blobWrite(redis, Path.of(args[1]), args[2], Integer.parseInt(args[3]));
        case "blob-read" ->
            blobRead(redis, args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]));
        default -> throw new IllegalArgumentException("unknown mode " + args[0]);
      }
      System.err.printf(
          java.util.Locale.ROOT,
          "baseline %s in %.3f s%n",
          args[0],
          (System.nanoTime() - start) / 1e9);
    }
  }

  private static void stream(RedisClient redis, Path file, String key) throws IOException {
    ObjectMapper json = new ObjectMapper();
    XAddParams params = XAddParams.xAddParams();
    long records = 0;
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        AbstractPipeline pipeline = redis.pipelined()) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : json.readTree(line).properties()) {
          JsonNode value = field.getValue();
          if (!value.isNull()) {
            fields.put(field.getKey(), value.isValueNode() ? value.asText() : value.toString());
          }
        }
        pipeline.xadd(key, params, fields);
        if (++records % 1000 == 0) {
          pipeline.sync();
        }
      }
      pipeline.sync();
    }
  }

  private static void blobWrite(RedisClient redis, Path file, String key, int chunk)
      throws IOException {
    byte[] buffer = new byte[chunk];
    long n = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int filled;
      while ((filled = in.readNBytes(buffer, 0, chunk)) > 0) {
        byte[] value = filled == chunk ? buffer : java.util.Arrays.copyOf(buffer, filled);
        redis.set((key + ":" + n++).getBytes(StandardCharsets.UTF_8), value);
      }
    }
  }

  private static void blobRead(RedisClient redis, String key, int chunk, long size)
      throws IOException {
    OutputStream out = System.out;
    long chunks = (size + chunk - 1) / chunk;
    for (long n = 0; n < chunks; n++) {
      out.write(redis.get((key + ":" + n).getBytes(StandardCharsets.UTF_8)));
    }
    out.flush();
  }
}
