package dev.sluice.cli;

import dev.sluice.core.Secrets;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.job.OldGenerationCollector;
import dev.sluice.http.LogFormat;
import dev.sluice.http.ServerConfig;
import dev.sluice.http.SluiceServer;
import dev.sluice.http.TablesHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice serve}: the HTTP server over a store, configured by flags over {@code SLUICE_*}
 * environment variables over defaults. SIGTERM/SIGINT drain it: new requests get 503, transfers in
 * flight get {@code --grace} to finish, the rest are aborted with reason SHUTDOWN.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Serves objects over HTTP, streaming uploads into the store.",
      "PUT/POST uploads stream into the store with digests verified in-stream; GET/HEAD",
      "deliver them with ranges, conditionals and throttling; GET /objects lists them.",
      "Routes: /objects/KEY, GET /objects (listing), POST /objects (multipart),",
      "/tables/TABLE, /health, /metrics, /jobs; a live dashboard at / (browser).",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  Serve ./sluice-data on 127.0.0.1:8080 without authentication:",
      "    sluice serve",
      "  Writes need Authorization: Bearer s3cret:",
      "    SLUICE_TOKEN=s3cret sluice serve --port 9000",
      "  curl -T big.iso localhost:8080/objects/isos/big.iso",
      "  curl -r 0-99 localhost:8080/objects/isos/big.iso",
      "  sluice serve --tls-cert cert.pem --tls-key key.pem  # HTTPS, HTTP/2 by ALPN",
      "",
      "Environment: SLUICE_BIND, SLUICE_PORT, SLUICE_STORE, SLUICE_TOKEN,",
      "SLUICE_MAX_BODY, SLUICE_RATE, SLUICE_MAX_RATE, SLUICE_GLOBAL_RATE,",
      "SLUICE_GRACE, SLUICE_WORKERS, SLUICE_MEMORY_BUDGET, SLUICE_MAX_TRANSFERS,",
      "SLUICE_MAX_OPEN_FILES, SLUICE_MAX_CONNECTIONS, SLUICE_LOG_FORMAT,",
      "SLUICE_LOG_LEVEL, SLUICE_ACCESS_LOG, SLUICE_TLS_CERT, SLUICE_TLS_KEY,",
      "SLUICE_H2C (true/false), SLUICE_CORS_ORIGIN (comma-separated), SLUICE_COORD,",
      "SLUICE_NODE_ID, SLUICE_UPLOAD_EXPIRY.",
    })
public final class ServeCommand implements Callable<Integer> {

  /**
   * The old generation is collected once it holds 1.5 times what it kept after the last collection
   * ({@link OldGenerationCollector}), and never below this: 16 MiB, about twice what an idle server
   * keeps alive (9 MB after a full collection; docs/benchmarks.md, "The old generation").
   */
  static final long OLD_GENERATION_FLOOR = 16L << 20;

  /** At most one such collection per interval: a full collection stops every thread a moment. */
  static final Duration OLD_GENERATION_INTERVAL = Duration.ofSeconds(5);

  /** One watch per process (the pool's threshold is the JVM's), however many servers it runs. */
  private static final AtomicBoolean OLD_GENERATION_WATCHED = new AtomicBoolean();

  @Option(names = "--port", paramLabel = "N", description = "TCP port (default 8080; 0 picks one).")
  Integer port;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "Address to listen on (default 127.0.0.1).")
  String bind;

  @Option(
      names = "--store",
      paramLabel = "DIR|LOCATION",
      description =
          "A folder (default ./sluice-data) or a store location, e.g. s3://BUCKET/PREFIX.")
  String store;

  @Option(
      names = "--token",
      paramLabel = "T",
      description = "Require Authorization: Bearer T for writes; reads take T or a signed link.")
  String token;

  @Option(
      names = "--max-body",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Largest upload accepted (default 64GiB).")
  Long maxBody;

  @Option(
      names = "--rate",
      paramLabel = "SIZE/s",
      converter = RateConverter.class,
      description = "Rate of a download that asks none with ?rate= (default unthrottled).")
  Long rate;

  @Option(
      names = "--max-rate",
      paramLabel = "SIZE/s",
      converter = RateConverter.class,
      description =
          "Fastest any one download goes: a higher ?rate= is lowered to it, and a download"
              + " that asks no rate gets it too.")
  Long maxRate;

  @Option(
      names = "--global-rate",
      paramLabel = "SIZE/s",
      converter = RateConverter.class,
      description = "Rate shared by all downloads together.")
  Long globalRate;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Time transfers get to finish on SIGTERM (default 30s).")
  Duration grace;

  @Option(
      names = "--idle-timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "Close connections idle this long (default 30s).")
  Duration idleTimeout;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description =
          "Platform threads uploads hash and write on, so they never stall other requests"
              + " (default: the number of processors; 0 runs uploads inline on virtual threads).")
  Integer workers;

  @Option(
      names = "--memory-budget",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description =
          "Payload memory all transfers together may hold; past it requests get 503 and"
              + " Retry-After (default: an eighth of the JVM's direct memory, at least 8MiB).")
  Long memoryBudget;

  @Option(
      names = "--max-transfers",
      paramLabel = "N",
      description = "Most uploads and downloads running at once (default 1024).")
  Integer maxTransfers;

  @Option(
      names = "--max-open-files",
      paramLabel = "N",
      description =
          "Most store files transfers hold open at once (default: a quarter of ulimit -n).")
  Integer maxOpenFiles;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description = "Most client connections open at once; more wait to be accepted (default 384).")
  Integer maxConnections;

  @Option(
      names = "--upload-expiry",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long a resumable (tus or IETF) upload lives before it is swept (default 24h).")
  Duration uploadExpiry;

  @Option(
      names = "--coord",
      paramLabel = "URL",
      description = {
        "Run as one node of a cluster coordinated through redis://HOST:PORT or",
        "jdbc:postgresql://...: --global-rate is then the limit of all nodes together and",
        "/jobs?scope=cluster lists every node's transfers. Use a store all nodes share."
      })
  String coord;

  @Option(
      names = "--node-id",
      paramLabel = "ID",
      description = "This node's id in the cluster (default: generated).")
  String nodeId;

  @Option(
      names = "--db",
      paramLabel = "JDBC_URL",
      description =
          "Database behind /tables/TABLE (default: the --store URL if it is jdbc:, else an"
              + " embedded H2 database in a folder beside the store folder).")
  String db;

  @Option(
      names = "--log-format",
      paramLabel = "text|json",
      description = "Log and access lines as name=value text (default) or one JSON object a line.")
  String logFormat;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description = "error, warn, info (default), debug or trace: the server's lines on stderr.")
  String logLevel;

  @Option(
      names = "--access-log",
      paramLabel = "FILE|-|off",
      description = "A line per request to FILE (appended), - for stdout (default), or off.")
  String accessLog;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "Certificate chain (PEM, leaf first): serve HTTPS, HTTP/2 or HTTP/1.1 by ALPN.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "The certificate's private key: unencrypted PKCS#8 PEM (BEGIN PRIVATE KEY).")
  Path tlsKey;

  @Option(
      names = "--h2c",
      description = "Without TLS, speak HTTP/2 in cleartext too (prior knowledge or Upgrade).")
  Boolean h2c;

  @Option(
      names = "--cors-origin",
      paramLabel = "ORIGIN",
      split = ",",
      description =
          "Browser origins allowed to call the server (repeat or comma-separate; * for any).")
  List<String> corsOrigins;

  @Override
  public Integer call() throws Exception {
    Map<String, String> env = System.getenv();
    ServerConfig config = config(env);
    Logging.configure(config.logFormat(), logLevel(env), accessTarget(env));
    BlobStore blobs = new Endpoints().openStore(config.store(), Map.of());
    SluiceServer server = server(config, blobs).start();
    // the process's old generation, collected as it fills with what requests left behind (its
    // pages go back to the system with the launcher's small initial heap); for the process's life
    if (OLD_GENERATION_WATCHED.compareAndSet(false, true)) {
      OldGenerationCollector.start(
          OLD_GENERATION_FLOOR, OLD_GENERATION_INTERVAL.toNanos(), System::gc);
    }
    Thread drain =
        new Thread(
            () -> {
              try {
                server.shutdown(config.grace());
                blobs.close();
              } catch (Exception e) {
                System.err.println(
                    "sluice: shutdown: " + Secrets.redact(FailureHandler.describe(e)));
              }
            },
            "sluice-shutdown");
    Runtime.getRuntime().addShutdownHook(drain);
    System.out.println(server.startupLine());
    System.out.flush();
    server.awaitStop();
    return ExitCodes.OK;
  }

  /**
   * The server as {@code serve} runs it over {@code blobs}: its routes, its uploads and where its
   * access lines go.
   */
  SluiceServer.Builder server(ServerConfig config, BlobStore blobs) throws IOException {
    SluiceServer.Builder builder =
        SluiceServer.builder(config, blobs)
            .route("/tables/", new TablesHandler(database(config.store())))
            .accessLog(Logging.accessLines());
    if (blobs instanceof dev.sluice.s3.S3BlobStore s3) {
      builder.uploads(s3.uploads(java.time.Clock.systemUTC())); // resumable uploads into S3 too
    } else if (blobs instanceof dev.sluice.redis.RedisBlobStore chunks) {
      builder.uploads(chunks.uploads(java.time.Clock.systemUTC()));
    } else if (blobs instanceof dev.sluice.jdbc.PostgresBlobStore objects) {
      builder.uploads(objects.uploads(java.time.Clock.systemUTC()));
    }
    return builder;
  }

  /**
   * The database for {@code /tables}: {@code --db}, else the store itself when it is a {@code
   * jdbc:} URL, else an H2 file beside (not inside) the store folder, so its files never show up as
   * objects.
   */
  String database(String store) {
    if (db != null) {
      return db;
    }
    if (store.startsWith("jdbc:")) {
      return store;
    }
    if (store.contains("://")) {
      return "jdbc:h2:" + java.nio.file.Path.of("sluice-tables.h2", "db").toAbsolutePath();
    }
    return "jdbc:h2:" + java.nio.file.Path.of(store + ".h2", "db").toAbsolutePath();
  }

  /** {@code --log-level}, else {@code SLUICE_LOG_LEVEL}, else info. */
  java.util.logging.Level logLevel(Map<String, String> env) {
    return Logging.level(setting(logLevel, env, "SLUICE_LOG_LEVEL", "info"));
  }

  /** {@code --access-log}, else {@code SLUICE_ACCESS_LOG}, else stdout. */
  Logging.AccessTarget accessTarget(Map<String, String> env) {
    return Logging.AccessTarget.parse(setting(accessLog, env, "SLUICE_ACCESS_LOG", "-"));
  }

  private static String setting(String flag, Map<String, String> env, String name, String dflt) {
    if (flag != null) {
      return flag;
    }
    String value = env.get(name);
    return value == null || value.isBlank() ? dflt : value;
  }

  /** The configuration: flags over {@code SLUICE_*} variables of {@code env} over defaults. */
  ServerConfig config(Map<String, String> env) {
    ServerConfig.Builder b = ServerConfig.fromEnvironment(env);
    if (port != null) {
      b.port(port);
    }
    if (bind != null) {
      b.bind(bind);
    }
    if (store != null) {
      b.store(store);
    }
    if (token != null) {
      b.token(token);
    }
    if (maxBody != null) {
      b.maxBodySize(maxBody);
    }
    if (rate != null) {
      b.defaultRate(rate);
    }
    if (maxRate != null) {
      b.maxRate(maxRate);
    }
    if (globalRate != null) {
      b.globalRate(globalRate);
    }
    if (grace != null) {
      b.grace(grace);
    }
    if (idleTimeout != null) {
      b.idleTimeout(idleTimeout);
    }
    if (workers != null) {
      b.workers(workers);
    }
    if (memoryBudget != null) {
      b.memoryBudget(memoryBudget);
    }
    if (maxTransfers != null) {
      b.maxTransfers(maxTransfers);
    }
    if (maxOpenFiles != null) {
      b.maxOpenFiles(maxOpenFiles);
    }
    if (maxConnections != null) {
      b.maxConnections(maxConnections);
    }
    if (logFormat != null) {
      b.logFormat(LogFormat.parse(logFormat));
    }
    if (tlsCert != null) {
      b.tlsCert(tlsCert);
    }
    if (tlsKey != null) {
      b.tlsKey(tlsKey);
    }
    if (h2c != null) {
      b.h2c(h2c);
    }
    if (corsOrigins != null) {
      b.corsOrigins(corsOrigins.stream().map(String::trim).filter(o -> !o.isEmpty()).toList());
    }
    b.accessLog(!(accessTarget(env) instanceof Logging.AccessTarget.Off));
    if (uploadExpiry != null) {
      b.uploadExpiry(uploadExpiry);
    }
    if (coord != null) {
      b.coord(coord);
    }
    if (nodeId != null) {
      b.nodeId(nodeId);
    }
    return b.build();
  }
}
