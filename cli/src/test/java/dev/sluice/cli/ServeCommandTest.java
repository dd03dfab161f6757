package dev.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.blob.BlobStore;
import dev.sluice.http.ServerConfig;
import dev.sluice.http.SluiceServer;
import dev.sluice.http.UrlSigner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {

  @Test
  void flagsOverrideEnvironmentWhichOverridesDefaults() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--port", "0", "--grace", "5s", "--rate", "64KiB");
    ServerConfig config =
        serve.config(
            Map.of("SLUICE_PORT", "9999", "SLUICE_TOKEN", "t", "SLUICE_STORE", "elsewhere"));
    assertThat(config.port()).isZero();
    assertThat(config.token()).isEqualTo("t");
    assertThat(config.store()).isEqualTo("elsewhere");
    assertThat(config.grace()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.defaultRate()).isEqualTo(64 * 1024);
    assertThat(config.bind()).isEqualTo("127.0.0.1");
  }

  @Test
  void workersFlagOverridesTheEnvironment() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--workers", "0");
    assertThat(serve.config(Map.of("SLUICE_WORKERS", "3")).workers()).isZero();
    assertThat(new ServeCommand().config(Map.of("SLUICE_WORKERS", "3")).workers()).isEqualTo(3);
  }

  @Test
  void admissionFlagsOverrideTheEnvironment() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve)
        .parseArgs("--memory-budget", "48MiB", "--max-transfers", "7", "--max-open-files", "9");
    var config = serve.config(Map.of("SLUICE_MEMORY_BUDGET", "1GiB", "SLUICE_MAX_TRANSFERS", "3"));
    assertThat(config.effectiveMemoryBudget()).isEqualTo(48L << 20);
    assertThat(config.maxTransfers()).isEqualTo(7);
    assertThat(config.effectiveMaxOpenFiles()).isEqualTo(9);
  }

  @Test
  void signPrintsALinkTheServerWouldAccept() {
    StringWriter out = new StringWriter();
    CommandLine cli = Main.newCommandLine();
    cli.setOut(new PrintWriter(out));
    int status =
        cli.execute(
            "sign", "a/b.bin", "--expires", "10m", "--token", "k", "--base-url", "http://h:1/");
    assertThat(status).isZero();
    String link = out.toString().trim();
    assertThat(link).startsWith("http://h:1/objects/a/b.bin?expires=");
    long expires =
        Long.parseLong(link.substring(link.indexOf("expires=") + 8, link.indexOf("&sig=")));
    String sig = link.substring(link.indexOf("&sig=") + 5);
    assertThat(expires - Instant.now().getEpochSecond()).isBetween(590L, 600L);
    assertThat(new UrlSigner("k").verify("a/b.bin", expires, sig, Instant.now())).isTrue();
  }

  @Test
  void signRefusesAnInvalidKeyWithTheRule() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.newCommandLine();
    cli.setErr(new PrintWriter(err));
    int status = cli.execute("sign", "../x", "--expires", "10m", "--token", "k");
    assertThat(status).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("'..' segment at index 0");
  }

  @Test
  void durationsAcceptUnits() {
    assertThat(DurationConverter.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("45")).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void loggingTlsAndCorsFlagsOverrideTheEnvironment() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve)
        .parseArgs(
            "--log-format",
            "json",
            "--access-log",
            "off",
            "--cors-origin",
            "https://a.example,https://b.example",
            "--h2c");
    var config = serve.config(Map.of("SLUICE_LOG_FORMAT", "text", "SLUICE_ACCESS_LOG", "-"));
    assertThat(config.logFormat()).isEqualTo(dev.sluice.http.LogFormat.JSON);
    assertThat(config.accessLog()).isFalse();
    assertThat(config.corsOrigins()).containsExactly("https://a.example", "https://b.example");
    assertThat(config.h2c()).isTrue();

    var fromEnv =
        new ServeCommand()
            .config(
                Map.of(
                    "SLUICE_LOG_FORMAT",
                    "json",
                    "SLUICE_CORS_ORIGIN",
                    "*",
                    "SLUICE_ACCESS_LOG",
                    "off"));
    assertThat(fromEnv.logFormat()).isEqualTo(dev.sluice.http.LogFormat.JSON);
    assertThat(fromEnv.corsOrigins()).containsExactly("*");
    assertThat(fromEnv.accessLog()).isFalse();
    assertThat(new ServeCommand().config(Map.of()).accessLog()).isTrue();
  }

  @Test
  void logLevelsComeFromTheFlagOrTheEnvironmentAndBadOnesNameTheChoices() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--log-level", "debug");
    assertThat(serve.logLevel(Map.of("SLUICE_LOG_LEVEL", "error")))
        .isEqualTo(java.util.logging.Level.FINE);
    assertThat(new ServeCommand().logLevel(Map.of("SLUICE_LOG_LEVEL", "warn")))
        .isEqualTo(java.util.logging.Level.WARNING);
    assertThat(new ServeCommand().logLevel(Map.of())).isEqualTo(java.util.logging.Level.INFO);
    assertThatThrownBy(() -> new ServeCommand().logLevel(Map.of("SLUICE_LOG_LEVEL", "loud")))
        .hasMessage("log level must be error, warn, info, debug, trace or off: loud");
    assertThatThrownBy(
            () -> {
              ServeCommand bad = new ServeCommand();
              new CommandLine(bad).parseArgs("--log-format", "xml");
              bad.config(Map.of());
            })
        .hasMessage("log format must be text or json: xml");
  }

  @Test
  void aCertificateWithoutItsKeyIsRefusedBeforeStarting() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--tls-cert", "cert.pem");
    assertThatThrownBy(() -> serve.config(Map.of()))
        .hasMessage("TLS needs both a certificate and its key: no key given");
    ServeCommand both = new ServeCommand();
    new CommandLine(both).parseArgs("--tls-cert", "c.pem", "--tls-key", "k.pem", "--h2c");
    assertThatThrownBy(() -> both.config(Map.of()))
        .hasMessage("h2c is HTTP/2 in cleartext: over TLS, HTTP/2 is offered by ALPN already");
  }

  /**
   * An access line is written once per request, so it must cost little: none may look up on the
   * stack which code logged it (SLF4J's java.util.logging binding does that for every line, and
   * fills the record's source class with what it found), which no formatter here prints.
   */
  @Test
  void accessLinesReachTheAccessLoggerWithoutLookingUpTheirCaller(@TempDir Path dir)
      throws Exception {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--port", "0", "--store", dir.resolve("store").toString());
    ServerConfig config = serve.config(Map.of());
    List<LogRecord> lines = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            lines.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger access = Logger.getLogger("dev.sluice.access");
    Level level = access.getLevel();
    access.setLevel(Level.INFO);
    access.addHandler(capture);
    try (BlobStore blobs = new Endpoints().openStore(config.store(), Map.of())) {
      SluiceServer server = serve.server(config, blobs).start();
      try {
        HttpResponse<Void> response =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create(server.baseUrl() + "/objects/a/none.bin"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(404);
        Awaitility.await().until(() -> !lines.isEmpty());
      } finally {
        server.shutdown(Duration.ZERO);
      }
    } finally {
      access.removeHandler(capture);
      access.setLevel(level);
    }
    LogRecord line = lines.getFirst();
    assertThat(line.getMessage()).contains("method=GET").contains("status=404");
    assertThat(line.getSourceClassName()).as("the caller found on the stack").isNull();
  }
}
