package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IngestCommandTest {

  @TempDir Path dir;
  private Path input;
  private byte[] bytes;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writeInput() throws IOException {
    bytes = new byte[300_000];
    new Random(7).nextBytes(bytes);
    input = Files.write(dir.resolve("in.bin"), bytes);
  }

  private int sluice(String... args) {
    CommandLine commandLine = Main.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private List<String> filesInDir() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void copiesAFileAndPrintsItsSha256InTheSummary() throws Exception {
    int status = sluice("ingest", input.toString(), path("out.bin"), "--sha256");

    assertThat(status).isZero();
    assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(bytes);
    assertThat(out.toString())
        .startsWith("293 KiB (300000 bytes) in ")
        .contains(" MiB/s → " + dir.resolve("out.bin").toAbsolutePath())
        .endsWith(", sha256 " + sha256(bytes) + System.lineSeparator());
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void smallChunksAndWindowGiveTheSameBytes() throws Exception {
    int status =
        sluice(
            "ingest", input.toString(), path("out.bin"), "--chunk-size", "1KiB", "--window", "1");

    assertThat(status).isZero();
    assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(bytes);
  }

  @Test
  void wrongExpectedSha256LeavesNoFileAndExitsWithTheReason() throws Exception {
    String wrong = "0".repeat(64);

    int status = sluice("ingest", input.toString(), path("out.bin"), "--expect-sha256", wrong);

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "sluice: DIGEST_MISMATCH: sha256 mismatch: expected "
                + wrong
                + " but was "
                + sha256(bytes)
                + System.lineSeparator());
    assertThat(filesInDir()).containsExactly("in.bin");
  }

  @Test
  void rightExpectedSha256Commits() throws Exception {
    int status =
        sluice("ingest", input.toString(), path("out.bin"), "--expect-sha256", sha256(bytes));

    assertThat(status).isZero();
    assertThat(out.toString()).contains("sha256 " + sha256(bytes));
    assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(bytes);
  }

  @Test
  void exceededLimitLeavesNoFileAndNamesTheLimit() throws Exception {
    int status = sluice("ingest", input.toString(), path("out.bin"), "--limit", "100KiB");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "sluice: LIMIT_EXCEEDED: input size exceeds the limit of 100 KiB (102400)"
                + System.lineSeparator());
    assertThat(filesInDir()).containsExactly("in.bin");
  }

  @Test
  void existingDestinationIsRefusedUnlessForced() throws Exception {
    Files.writeString(dir.resolve("out.bin"), "keep me");

    int refused = sluice("ingest", input.toString(), path("out.bin"));

    assertThat(refused).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "sluice: "
                + path("out.bin")
                + " already exists (use --force to replace it)"
                + System.lineSeparator());
    assertThat(Files.readString(dir.resolve("out.bin"))).isEqualTo("keep me");

    int forced = sluice("ingest", input.toString(), path("out.bin"), "--force", "--fsync");

    assertThat(forced).isZero();
    assertThat(Files.readAllBytes(dir.resolve("out.bin"))).isEqualTo(bytes);
  }

  @Test
  void gzipThenGunzipGivesBackTheInput() throws Exception {
    assertThat(sluice("ingest", input.toString(), path("in.gz"), "--gzip")).isZero();
    assertThat(Files.size(dir.resolve("in.gz"))).isPositive();

    assertThat(sluice("ingest", path("in.gz"), path("back.bin"), "--gunzip", "--sha256")).isZero();

    assertThat(Files.readAllBytes(dir.resolve("back.bin"))).isEqualTo(bytes);
  }

  @Test
  void gunzipStopsAtMaxOutput() throws Exception {
    assertThat(sluice("ingest", input.toString(), path("in.gz"), "--gzip")).isZero();

    int status =
        sluice("ingest", path("in.gz"), path("back.bin"), "--gunzip", "--max-output", "64KiB");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "sluice: LIMIT_EXCEEDED: decompressed size exceeds the limit of 64.0 KiB (65536)"
                + System.lineSeparator());
    assertThat(filesInDir()).containsExactly("in.bin", "in.gz");
  }

  @Test
  void generatedSourceIsDeterministicPerSeed() throws Exception {
    assertThat(sluice("ingest", "gen:64KiB:3", path("a.bin"))).isZero();
    assertThat(sluice("ingest", "gen:64KiB:3", path("b.bin"))).isZero();
    assertThat(sluice("ingest", "gen:64KiB:4", path("c.bin"))).isZero();

    assertThat(Files.size(dir.resolve("a.bin"))).isEqualTo(65536);
    assertThat(Files.readAllBytes(dir.resolve("a.bin")))
        .isEqualTo(Files.readAllBytes(dir.resolve("b.bin")))
        .isNotEqualTo(Files.readAllBytes(dir.resolve("c.bin")));
  }

  @Test
  void aLocalDestinationGetsChunksSizedToTheCacheAndOtherDestinationsTheLibraryDefault()
      throws Exception {
    byte[] data = new byte[3 << 20];
    new Random(3).nextBytes(data);
    Path big = Files.write(dir.resolve("big.bin"), data);

    assertThat(sluice("ingest", big.toString(), path("copy.bin"), "--sha256", "--json")).isZero();
    long localChunks = new ObjectMapper().readTree(out.toString()).get("chunks").asLong();
    out.getBuffer().setLength(0);
    assertThat(sluice("ingest", big.toString(), "mem:chunks", "--sha256", "--json")).isZero();
    long otherChunks = new ObjectMapper().readTree(out.toString()).get("chunks").asLong();

    assertThat(localChunks).isEqualTo(data.length / LocalChunkSize.forThisMachine());
    assertThat(otherChunks)
        .isEqualTo(data.length / dev.sluice.core.job.Ingestion.DEFAULT_CHUNK_SIZE);
    assertThat(MemoryEndpointProvider.OBJECTS.get("mem:chunks")).isEqualTo(data);
  }

  @Test
  void jsonReportDescribesTheJob() throws Exception {
    int status = sluice("ingest", input.toString(), path("out.bin"), "--sha256", "--json");

    assertThat(status).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("outcome").asText()).isEqualTo("COMMITTED");
    assertThat(json.get("bytesIn").asLong()).isEqualTo(300_000);
    assertThat(json.get("bytesOut").asLong()).isEqualTo(300_000);
    assertThat(json.get("digests").get("sha256").asText()).isEqualTo(sha256(bytes));
    // the schema the server's upload answer carries too
    java.util.List<String> names = new java.util.ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsSubsequence(dev.sluice.core.job.ReportSchema.FIELDS)
        .startsWith("outcome", "reason", "error", "source", "destination");
    assertThat(json.get("chunkWriteLatencyMillis").get("p99").isNumber()).isTrue();
    assertThat(json.get("receipt").get("location").asText())
        .isEqualTo(dir.resolve("out.bin").toAbsolutePath().toString());
  }

  @Test
  void jsonReportOfAFailureCarriesTheReason() throws Exception {
    int status = sluice("ingest", input.toString(), path("out.bin"), "--limit", "1KiB", "--json");

    assertThat(status).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("outcome").asText()).isEqualTo("ABORTED");
    assertThat(json.get("reason").asText()).isEqualTo("LIMIT_EXCEEDED");
    assertThat(json.get("error").asText())
        .isEqualTo("LIMIT_EXCEEDED: input size exceeds the limit of 1.0 KiB (1024)");
  }

  @Test
  void gzipAndGunzipTogetherAreAUsageError() {
    int status = sluice("ingest", input.toString(), path("out.bin"), "--gzip", "--gunzip");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).startsWith("--gzip and --gunzip exclude each other");
  }

  @Test
  void badSizeIsAUsageErrorNamingTheOption() {
    int status = sluice("ingest", input.toString(), path("out.bin"), "--limit", "12XB");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString())
        .contains("--limit")
        .contains("invalid size '12XB': expected digits with an optional unit");
  }

  @Test
  void missingSourceIsReportedByName() {
    int status = sluice("ingest", path("nope.bin"), path("out.bin"));

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("sluice: " + path("nope.bin") + ": no such file" + System.lineSeparator());
  }

  @Test
  void unknownSchemeListsTheSupportedForms() {
    int status = sluice("ingest", "ftp://host/x", path("out.bin"));

    assertThat(status).isEqualTo(1);
    // the providers on the class path (mem: from the tests, redis://, …) follow the built-in forms
    assertThat(err.toString())
        .startsWith(
            "sluice: unsupported location 'ftp://host/x': supported are - (stdin or stdout),"
                + " gen:SIZE[:SEED] (generated bytes, source only), a file path (write ./NAME for"
                + " a name with ':'), file:URI, ")
        .contains("mem:NAME")
        .contains("redis://HOST:PORT/DB/KEY (blob)")
        .endsWith(System.lineSeparator());
  }

  @Test
  void generatedLocationCannotBeADestination() {
    int status = sluice("ingest", input.toString(), "gen:1KiB");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "sluice: cannot write to gen:1KiB: gen: locations are sources only"
                + System.lineSeparator());
  }

  @Test
  void providerLocationsGetTheEndpointOptionsAsAMap() throws Exception {
    int status =
        sluice(
            "ingest",
            input.toString(),
            "mem:copy",
            "--table",
            "events",
            "--format",
            "NDJSON",
            "--create-table",
            "--part-size",
            "8MiB",
            "--s3-path-style",
            "--parallel",
            "3");

    assertThat(status).isZero();
    assertThat(MemoryEndpointProvider.OBJECTS.get("mem:copy")).isEqualTo(bytes);
    assertThat(MemoryEndpointProvider.OPTIONS.get("mem:copy"))
        .isEqualTo(
            Map.of(
                "table", "events",
                "format", "ndjson",
                "create-table", "true",
                "part-size", "8388608",
                "s3-path-style", "true",
                "parallel", "3",
                "expected-size", "300000",
                "source-file", input.toString()));

    assertThat(sluice("ingest", "mem:copy", path("back.bin"))).isZero();
    assertThat(Files.readAllBytes(dir.resolve("back.bin"))).isEqualTo(bytes);
    assertThat(MemoryEndpointProvider.OPTIONS.get("mem:copy")).isEmpty();
  }

  @Test
  void aSinkLearnsTheExpectedDigestAndNothingOnceATransformChangesTheBytes() throws Exception {
    String hex = sha256(bytes);
    assertThat(
            sluice("ingest", input.toString(), "mem:known", "--expect-sha256", hex.toUpperCase()))
        .isZero();
    assertThat(MemoryEndpointProvider.OPTIONS.get("mem:known"))
        .isEqualTo(
            Map.of(
                "expected-size",
                "300000",
                "expected-sha256",
                hex,
                "source-file",
                input.toString()));

    assertThat(sluice("ingest", "mem:known", "mem:unknown-length")).isZero();
    assertThat(MemoryEndpointProvider.OPTIONS.get("mem:unknown-length")).isEmpty();

    assertThat(sluice("ingest", input.toString(), "mem:gz", "--gzip", "--expect-sha256", hex))
        .isZero();
    assertThat(MemoryEndpointProvider.OPTIONS.get("mem:gz")).isEmpty();
  }

  @Test
  void formatOtherThanCsvOrNdjsonIsRefused() {
    int status = sluice("ingest", input.toString(), "mem:x", "--format", "xml");

    assertThat(status).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo("sluice: --format must be csv or ndjson: xml" + System.lineSeparator());
  }

  @Test
  void helpExplainsLocationsAndShowsExamples() {
    int status = sluice("ingest", "--help");

    assertThat(status).isZero();
    assertThat(out.toString())
        .contains("Usage: sluice ingest")
        .contains("gen:SIZE[:SEED]")
        .contains("--expect-sha256=HEX")
        .contains("Examples:")
        .contains("sluice ingest big.iso copy.iso --sha256");
  }

  @Test
  void topLevelCommandWithoutSubcommandIsAUsageError() {
    int status = sluice();

    assertThat(status).isEqualTo(2);
    assertThat(err.toString()).startsWith("a subcommand is required, e.g. 'ingest'");
  }
}
