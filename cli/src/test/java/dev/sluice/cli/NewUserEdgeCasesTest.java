package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.http.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The rough edges a new user hit (issue 16, "Seen"), one test each. */
class NewUserEdgeCasesTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int sluice(String... args) {
    CommandLine commandLine = Main.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void ingestWithoutItsArgumentsIsAUsageErrorThatShowsTheUsage() {
    assertThat(sluice("ingest")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("Missing required parameters: 'SRC', 'DST'")
        .contains("Usage: sluice ingest");
    err.getBuffer().setLength(0);

    assertThat(sluice("ingest", "big.bin")).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("Missing required parameter: 'DST'")
        .contains("Usage: sluice ingest");
  }

  @Test
  void anUnreachableUrlNamesTheUrlAndTheCause() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/big.iso";

    assertThat(sluice("ingest", url, dir.resolve("copy.iso").toString())).isEqualTo(1);

    assertThat(err.toString())
        .isEqualTo("sluice: GET " + url + " failed: connection refused" + System.lineSeparator());
  }

  @Test
  void aFailureThatSaysSeeCauseIsPrintedWithItsCause() {
    // what the AWS SDK throws for S3 without an endpoint on a machine without DNS for AWS
    SdkClientException noEndpoint =
        SdkClientException.builder()
            .message(
                "Received an UnknownHostException when attempting to interact with a service."
                    + " See cause for the exact endpoint that is failing to resolve.")
            .cause(new UnknownHostException("bucket.s3.amazonaws.com"))
            .build();

    assertThat(FailureHandler.describe(noEndpoint))
        .endsWith(
            "See cause for the exact endpoint that is failing to resolve.: unknown host"
                + " bucket.s3.amazonaws.com");
    assertThat(FailureHandler.describe(new IOException(new java.net.ConnectException())))
        .isEqualTo("connection refused");
    assertThat(FailureHandler.describe(new IllegalStateException()))
        .doesNotContain("Exception")
        .contains("SLUICE_DEBUG=1");
  }

  @Test
  void anUnknownSchemeListsTheFormsWithoutAClassName() {
    assertThat(sluice("ingest", "ftp://host/a.bin", dir.resolve("a.bin").toString())).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("sluice: unsupported location 'ftp://host/a.bin': supported are - (stdin")
        .contains("s3://BUCKET/KEY", "redis://", "jdbc:URL", "http(s)://URL")
        .doesNotContain("Provider", "dev.sluice");
  }

  @Test
  void anUnknownStoreListsOnlyStoreForms() {
    assertThatThrownBy(() -> new Endpoints().openStore("ftp://host/objects", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unsupported store 'ftp://host/objects': supported are a folder")
        .hasMessageContaining("s3://BUCKET[/PREFIX]")
        .hasMessageContaining("redis://HOST:PORT/DB[?prefix=P]")
        .hasMessageContaining("jdbc:postgresql://HOST/DB")
        .message()
        .doesNotContain("gen:", "stdin", "http(s)", "Provider");
    assertThatThrownBy(() -> new Endpoints().openStore("https://example.org/x", Map.of()))
        .hasMessageStartingWith("unsupported store 'https://example.org/x'");
  }

  @Test
  void aStoreFolderIsCreatedOnlyInsideAFolderThatExists() throws IOException {
    Path typo = dir.resolve("nonexistent").resolve("x");
    assertThatThrownBy(() -> new Endpoints().openStore(typo.toString(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot create the store folder "
                + typo
                + ": its parent "
                + typo.getParent()
                + " does not exist (create it first, or pick another --store)");
    assertThat(typo.getParent()).doesNotExist();

    try (var store = new Endpoints().openStore(dir.resolve("fresh").toString(), Map.of())) {
      assertThat(dir.resolve("fresh")).isDirectory();
      assertThat(store.describe()).endsWith("fresh");
    }
  }

  @Test
  void sluiceGraceTakesTheSameDurationsAsTheFlag() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs();
    assertThat(serve.config(Map.of("SLUICE_GRACE", "30s")).grace())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(serve.config(Map.of("SLUICE_GRACE", "2m")).grace()).isEqualTo(Duration.ofMinutes(2));
    assertThat(serve.config(Map.of("SLUICE_GRACE", "45")).grace())
        .isEqualTo(Duration.ofSeconds(45));
    assertThatThrownBy(() -> serve.config(Map.of("SLUICE_GRACE", "soon")))
        .hasMessageContaining("SLUICE_GRACE=soon")
        .hasMessageContaining("e.g. 30s");
  }

  @Test
  void ratesTakeSizeAndSizePerSecondEverywhere() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve)
        .parseArgs("--rate", "1MiB/s", "--max-rate", "2MiB", "--global-rate", "4MiB/s");
    ServerConfig config = serve.config(Map.of());
    assertThat(config.defaultRate()).isEqualTo(1 << 20);
    assertThat(config.maxRate()).isEqualTo(2 << 20);
    assertThat(config.globalRate()).isEqualTo(4 << 20);

    ServerConfig env =
        new ServeCommand().config(Map.of("SLUICE_RATE", "1MiB", "SLUICE_MAX_RATE", "2MiB/s"));
    assertThat(env.defaultRate()).isEqualTo(1 << 20);
    assertThat(env.maxRate()).isEqualTo(2 << 20);

    assertThat(new RateConverter().convert("50MiB/s")).isEqualTo(50L << 20);
    assertThat(new RateConverter().convert("50MiB")).isEqualTo(50L << 20);
  }

  @Test
  void maxRateHelpSaysItAlsoPacesDownloadsThatAskNoRate() {
    String help = new CommandLine(new ServeCommand()).getUsageMessage();
    assertThat(help.replaceAll("\\s+", " "))
        .contains(
            "Fastest any one download goes: a higher ?rate= is lowered to it, and a"
                + " download that asks no rate gets it too.");
  }

  @Test
  void everySubcommandSummaryIsAWholeSentence() {
    String help = Main.newCommandLine().getUsageMessage();
    String commands = help.substring(help.indexOf("Commands:"));
    List<String> summaries =
        commands.lines().skip(1).takeWhile(line -> !line.isBlank()).map(String::strip).toList();
    assertThat(summaries).hasSizeGreaterThanOrEqualTo(4);
    assertThat(summaries).allSatisfy(line -> assertThat(line).endsWith("."));
  }

  @Test
  void serveHelpWrapsBetweenWordsOnly() {
    String help = new CommandLine(new ServeCommand()).getUsageMessage();
    for (String line : help.lines().toList()) {
      assertThat(line.length())
          .as("wider than the help's 80 columns: %s", line)
          .isLessThanOrEqualTo(80);
      // a line picocli had to break itself starts at column 0 with the rest of a sentence
      if (!line.isEmpty() && !line.startsWith(" ")) {
        assertThat(line)
            .as("a line that is no heading or paragraph start")
            .matches(
                "(Usage:|Serves|PUT/POST|deliver|Routes:|/tables/|Examples:|Environment:|"
                    + "SLUICE_).*");
      }
    }
    String words = help.replaceAll("\\s+", " ");
    assertThat(words)
        .contains(
            "Serve ./sluice-data on 127.0.0.1:8080 without authentication:",
            "a quarter of ulimit -n",
            "an eighth of the JVM's direct memory, at least 8MiB",
            "SLUICE_MAX_BODY, SLUICE_RATE,");
  }
}
