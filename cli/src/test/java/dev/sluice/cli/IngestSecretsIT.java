package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import redis.clients.jedis.RedisClient;

/**
 * {@code sluice ingest --json} into the machine's Redis through a location with a password: the
 * report names the destination with the password masked (issue 12, defect 1). Skipped when Redis is
 * unreachable, failed when {@code CI=true}.
 */
class IngestSecretsIT {

  @TempDir Path dir;

  @Test
  void theJsonReportMasksThePasswordOfTheDestination() throws Exception {
    String key = "sluice-secrets-" + UUID.randomUUID().toString().substring(0, 8);
    try (RedisClient redis = RedisClient.create("127.0.0.1", 6379)) {
      try {
        redis.ping();
      } catch (RuntimeException e) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
          fail("Redis is not reachable on 127.0.0.1:6379 (CI=true): " + e);
        }
        Assumptions.abort("Redis is not reachable on 127.0.0.1:6379: " + e);
      }
      Path source = Files.write(dir.resolve("in.bin"), new byte[] {1, 2, 3});
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = Main.newCommandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      String destination =
          "redis://default:hunter2-ingest@127.0.0.1:6379/0/" + key + "?prefix=" + key;
      int status = cli.execute("ingest", source.toString(), destination, "--json");
      try {
        assertThat(status).as(err.toString()).isZero();
        assertThat(out.toString())
            .contains("redis://***@127.0.0.1:6379/0/" + key)
            .doesNotContain("hunter2-ingest");
        assertThat(err.toString()).doesNotContain("hunter2-ingest");
      } finally {
        redis
            .scan("0", new redis.clients.jedis.params.ScanParams().match(key + "*").count(1000))
            .getResult()
            .forEach(redis::unlink);
      }
    }
  }
}
