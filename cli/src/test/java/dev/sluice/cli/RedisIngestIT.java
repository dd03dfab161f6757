package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * {@code sluice ingest} with {@code redis://} locations against the machine's Redis (skipped when
 * it is unreachable, failed when {@code CI=true}); keys live under a prefix of this test's own.
 */
class RedisIngestIT {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private RedisClient redis;
  private String prefix;

  @BeforeEach
  void connect() {
    redis = RedisClient.create("127.0.0.1", 6379);
    try {
      redis.ping();
    } catch (RuntimeException e) {
      redis.close();
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("Redis is not reachable on 127.0.0.1:6379 (CI=true): " + e);
      }
      Assumptions.abort("Redis is not reachable on 127.0.0.1:6379: " + e);
    }
    prefix = "sluice-cli-test-" + UUID.randomUUID().toString().substring(0, 13);
  }

  @AfterEach
  void cleanUp() {
    keys().forEach(redis::unlink);
    redis.close();
  }

  private List<String> keys() {
    return redis.scan("0", new ScanParams().match(prefix + "*").count(1000)).getResult();
  }

  private int sluice(String... args) {
    CommandLine commandLine = Main.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private Path ndjson(int lines, int badLine) throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= lines; i++) {
      text.append(i == badLine ? "{\"id\": " : "{\"id\":" + i + ",\"name\":\"n" + i + "\"}")
          .append('\n');
    }
    return Files.writeString(dir.resolve("data.ndjson"), text);
  }

  @Test
  void ingestsNdjsonIntoAStreamNamedByTheStreamOption() throws IOException {
    Path data = ndjson(5_000, 0);

    int status =
        sluice("ingest", data.toString(), "redis://127.0.0.1:6379/0", "--stream", prefix + ":e");

    assertThat(status).as(err.toString()).isZero();
    assertThat(out.toString())
        .endsWith("→ redis-stream(" + prefix + ":e)" + System.lineSeparator());
    assertThat(redis.xlen(prefix + ":e")).isEqualTo(5_000);
    assertThat(keys()).containsExactly(prefix + ":e");
  }

  @Test
  void aMalformedLineFailsNamingItAndLeavesNoKey() throws IOException {
    Path data = ndjson(5_000, 4_321);

    int status =
        sluice("ingest", data.toString(), "redis://127.0.0.1:6379/0", "--stream", prefix + ":e");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString()).startsWith("sluice: INVALID_INPUT: NDJSON line 4321, byte ");
    assertThat(keys()).isEmpty();
  }

  @Test
  void storesAFileAsABlobAndReadsItBack() throws IOException {
    byte[] bytes = new byte[700_000];
    new Random(3).nextBytes(bytes);
    Path input = Files.write(dir.resolve("in.bin"), bytes);
    String url = "redis://127.0.0.1:6379/0/files/in.bin?prefix=" + prefix + "&chunk-size=64KiB";

    assertThat(sluice("ingest", input.toString(), url)).as(err.toString()).isZero();
    assertThat(sluice("ingest", url, dir.resolve("out.bin").toString()))
        .as(err.toString())
        .isZero();

    assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(bytes);
    assertThat(keys())
        .hasSize(1 + 11 + 1)
        .contains(prefix + ":blob:files/in.bin", prefix + ":index");
  }

  @Test
  void anExistingBlobIsReplacedOnlyWithForceAsAFileIs() throws IOException {
    Path first = Files.writeString(dir.resolve("first.txt"), "first");
    Path second = Files.writeString(dir.resolve("second.txt"), "second");
    String url = "redis://127.0.0.1:6379/0/once.txt?prefix=" + prefix;
    assertThat(sluice("ingest", first.toString(), url)).as(err.toString()).isZero();

    assertThat(sluice("ingest", second.toString(), url)).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "sluice: "
                + prefix
                + ":blob:once.txt already exists (use --force to replace it)"
                + System.lineSeparator());

    assertThat(sluice("ingest", second.toString(), url, "--force")).isZero();
    assertThat(sluice("ingest", url, dir.resolve("back.txt").toString())).isZero();
    assertThat(Files.readString(dir.resolve("back.txt"))).isEqualTo("second");
  }
}
