package dev.sluice.http;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Secrets;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.blob.FileBlobStore;
import dev.sluice.core.delivery.Delivery;
import dev.sluice.core.delivery.RangeLimits;
import dev.sluice.core.file.BlockReservation;
import dev.sluice.core.file.TemporaryFile;
import dev.sluice.core.job.JobRegistry;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.job.SchedulerLag;
import dev.sluice.core.job.WorkerPool;
import dev.sluice.core.upload.FileUploadStore;
import dev.sluice.core.upload.UploadStore;
import dev.sluice.http.internal.AccessLog;
import dev.sluice.http.internal.Admission;
import dev.sluice.http.internal.Auth;
import dev.sluice.http.internal.Cluster;
import dev.sluice.http.internal.Cors;
import dev.sluice.http.internal.Deliveries;
import dev.sluice.http.internal.Fallocate;
import dev.sluice.http.internal.JettyErrors;
import dev.sluice.http.internal.Keys;
import dev.sluice.http.internal.LivenessFirst;
import dev.sluice.http.internal.MinimumReadRate;
import dev.sluice.http.internal.PemKeyStore;
import dev.sluice.http.internal.Readiness;
import dev.sluice.http.internal.ResumableUploads;
import dev.sluice.http.internal.Router;
import dev.sluice.http.internal.ServerContext;
import dev.sluice.http.internal.ServerMetrics;
import dev.sluice.http.internal.Throttle;
import dev.sluice.http.internal.UploadSweeper;
import dev.sluice.http.internal.UploadTarget;
import dev.sluice.http.internal.Uploads;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sluice HTTP server: Jetty 12 on virtual threads serving {@code /objects} (streaming upload
 * and delivery), {@code /health}, {@code /metrics} and {@code /jobs} over a {@link BlobStore}.
 *
 * {@snippet :
 * try (SluiceServer server = SluiceServer.start(ServerConfig.builder().port(0).build(), store)) {
 *   System.out.println(server.startupLine());
 *   server.awaitStop();
 * }
 * }
 *
 * <p>{@link #shutdown} drains: new requests get 503, transfers in flight may finish within the
 * grace period, the rest are aborted with {@link AbortReason#SHUTDOWN}. Extra routes (e.g. {@code
 * /tables/}) plug in as Jetty request handlers with {@link Builder#route}.
 *
 * <p>With a certificate and key ({@link ServerConfig#tlsCert()}) it speaks HTTPS only, HTTP/2 or
 * HTTP/1.1 as ALPN picks; in cleartext HTTP/1.1, plus HTTP/2 with {@link ServerConfig#h2c()}. It
 * logs through SLF4J: an access line per request (logger {@code dev.sluice.access}), and start,
 * drain and stop on the logger of this class.
 */
public final class SluiceServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SluiceServer.class);

  private final ServerConfig config;
  private final BlobStore store;
  private final Server jetty;
  private final ServerConnector connector;
  private final Router router;
  private final JobRegistry registry;
  private final Admission admission;
  private final ResumableUploads resumable; // null without resumable uploads
  private final UploadSweeper sweeper; // null without resumable uploads
  private final Cluster cluster; // null for a server alone
  private final Object shutdownLock = new Object();
  private boolean shutDown; // guarded by shutdownLock

  private SluiceServer(
      ServerConfig config,
      BlobStore store,
      UploadStore uploadStore,
      Clock uploadClock,
      List<Router.Extra> extras,
      Consumer<String> accessLog)
      throws java.io.IOException {
    this.config = config;
    this.registry = new JobRegistry();
    this.cluster = config.coord() == null ? null : Cluster.join(config, registry);
    SchedulerLag lag = registry.own(SchedulerLag.start());
    ServerMetrics metrics =
        registry.own(new ServerMetrics(registry, cluster == null ? null : cluster.nodeId()));
    metrics.schedulerLag("p50", () -> lag.snapshot().p50Nanos() / 1e9);
    metrics.schedulerLag("p99", () -> lag.snapshot().p99Nanos() / 1e9);
    metrics.schedulerLag("max", () -> lag.snapshot().maxNanos() / 1e9);
    Throttle throttle =
        cluster == null
            ? new Throttle(config.globalRate(), config.defaultRate(), config.maxRate())
            : cluster.throttle(config);
    if (cluster != null) {
      metrics.cluster(cluster);
    }
    WorkerPool workers =
        config.workers() == 0 ? null : registry.own(WorkerPool.of(config.workers()));
    this.admission =
        new Admission(
            MemoryBudget.of(config.effectiveMemoryBudget()),
            config.maxTransfers(),
            config.effectiveMaxOpenFiles(),
            config.admissionWait());
    metrics.admission(admission);
    // the store's own buffers (an S3 upload's parts) come from the uploads' share of the budget
    this.store = store.withMemory(admission.uploadMemory(), config.admissionWait());
    ServerContext context =
        new ServerContext(config, metrics, throttle, registry, lag, workers, admission, cluster);
    List<UploadTarget> targets = new ArrayList<>();
    for (Router.Extra extra : extras) {
      if (extra.handler() instanceof TablesHandler tables) {
        targets.add(tables.uploadTarget());
      }
    }
    this.resumable =
        uploadStore == null
            ? null
            : new ResumableUploads(
                uploadStore.withMemory(admission.uploadMemory(), config.admissionWait()),
                this.store,
                context,
                uploadClock,
                targets);
    this.sweeper =
        resumable == null
            ? null
            : UploadSweeper.start(resumable, metrics, config.uploadExpiry(), uploadClock, cluster);
    Keys keys = new Keys();
    Delivery delivery = Delivery.of(new RangeLimits(config.maxRanges(), 80, 1));
    this.router =
        new Router(
            context,
            new Auth(config.token(), Clock.systemUTC()),
            keys,
            new Uploads(this.store, context),
            new Deliveries(this.store, context, delivery),
            resumable,
            extras);

    // accepting and selecting on platform threads, handlers on virtual threads: a liveness probe is
    // answered on the selector's thread (LivenessFirst), not queued behind a flood of handlers
    VirtualThreadPool handlers = new VirtualThreadPool(config.maxThreads());
    handlers.setName("sluice-http");
    QueuedThreadPool threads = new QueuedThreadPool(16, 4);
    threads.setName("sluice-io");
    threads.setVirtualThreadsExecutor(handlers);
    this.jetty = new Server(threads, null, connectionBuffers());
    jetty.addBean(handlers);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // keys may hold any character, '%' too: let an encoded '%' (%25) through to the one decoding
    // rule of ObjectPaths.key; Jetty still refuses encoded '/', '.', backslash and bad UTF-8 with a
    // 400
    http.setUriCompliance(
        UriCompliance.DEFAULT.with("SLUICE", UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
    http.setRequestHeaderSize(config.maxRequestHeaderSize());
    http.setOutputBufferSize(32 * 1024);
    this.connector = new ServerConnector(jetty, 1, 1, connectionFactories(config, http));
    connector.setHost(config.bind());
    connector.setPort(config.port());
    connector.setIdleTimeout(config.idleTimeout().toMillis());
    connector.setAcceptQueueSize(1024);
    jetty.addConnector(connector);
    // past the cap the server stops accepting: a flood of connections waits in the kernel's queue
    // instead of each taking an fd, buffers and a parse before the others are answered
    jetty.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
    // against slow-drip uploads; downloads may be throttled far below any floor, so none there
    // /health/ready probes the store on a virtual thread, before the router's shutdown gate
    Handler routes = new Readiness(router, this.store, cluster, router::draining, handlers);
    Handler front =
        new LivenessFirst(
            new MinimumReadRate(routes, config.minRequestDataRate()), handlers, router::draining);
    if (!config.corsOrigins().isEmpty()) {
      front = new Cors(front, config.corsOrigins()); // preflights never reach the router
    }
    jetty.setHandler(front);
    if (config.accessLog()) {
      jetty.setRequestLog(new AccessLog(config.logFormat(), accessLog));
    }
    // no graceful phase in Jetty's stop: shutdown() has drained the transfers already, and a
    // graceful stop only waited for idle keep-alive connections (1.5 s per SIGTERM, issue 12)
    jetty.setStopTimeout(0);
    jetty.setErrorHandler(new JettyErrors());
  }

  /**
   * The pool of the connections' I/O buffers, kept small: after a burst of connections, the buffers
   * past what it keeps are dropped (freed with their objects) instead of staying resident for the
   * next burst; each connection's 64 KiB input buffer is still reused while it lives.
   */
  private static ArrayByteBufferPool connectionBuffers() {
    long keep = 8L << 20;
    return new ArrayByteBufferPool(0, 0, -1, -1, keep, keep);
  }

  /**
   * What the connector speaks: HTTP/1.1 (and h2c when asked) in cleartext; with TLS, HTTP/2 and
   * HTTP/1.1 behind ALPN. Over TLS or HTTP/2 every body goes through Jetty's own write path: a
   * download's bytes are copied into the connection's buffers, never handed to the socket directly.
   */
  private static ConnectionFactory[] connectionFactories(
      ServerConfig config, HttpConfiguration http) throws java.io.IOException {
    if (!config.tls()) {
      HttpConnectionFactory http11 = new HttpConnectionFactory(http);
      http11.setInputBufferSize(64 * 1024); // fewer, larger reads for multi-gigabyte uploads
      return config.h2c()
          ? new ConnectionFactory[] {http11, bounded(new HTTP2CServerConnectionFactory(http))}
          : new ConnectionFactory[] {http11};
    }
    HttpConfiguration https = new HttpConfiguration(http);
    https.addCustomizer(new SecureRequestCustomizer());
    HttpConnectionFactory http11 = new HttpConnectionFactory(https);
    http11.setInputBufferSize(64 * 1024);
    HTTP2ServerConnectionFactory h2 = bounded(new HTTP2ServerConnectionFactory(https));
    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
    alpn.setDefaultProtocol(http11.getProtocol());
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStore(PemKeyStore.load(config.tlsCert(), config.tlsKey()));
    tls.setKeyStorePassword(PemKeyStore.ALIAS);
    tls.setCipherComparator(HTTP2Cipher.COMPARATOR);
    return new ConnectionFactory[] {
      new SslConnectionFactory(tls, alpn.getProtocol()), alpn, h2, http11
    };
  }

  /**
   * HTTP/2 with receive windows that keep what a connection's clients may send ahead of the
   * handlers near an HTTP/1.1 connection's input buffer: 512 KiB a connection, 256 KiB a stream
   * (Jetty's defaults: 1 MiB and 512 KiB), and at most 64 streams at once on one connection.
   */
  private static <F extends org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory>
      F bounded(F h2) {
    h2.setInitialSessionRecvWindow(512 * 1024);
    h2.setInitialStreamRecvWindow(256 * 1024);
    h2.setMaxConcurrentStreams(64);
    return h2;
  }

  /** Starts a server with no extra routes. */
  public static SluiceServer start(ServerConfig config, BlobStore store) throws Exception {
    return builder(config, store).start();
  }

  /** A builder, for extra routes. */
  public static Builder builder(ServerConfig config, BlobStore store) {
    return new Builder(config, store);
  }

  /** Collects extra routes, then starts the server. */
  public static final class Builder {
    private final ServerConfig config;
    private final BlobStore store;
    private final List<Router.Extra> extras = new ArrayList<>();
    private Consumer<String> accessLog = AccessLog.toSlf4j();
    private UploadStore uploads;
    private Clock uploadClock = Clock.systemUTC();

    private Builder(ServerConfig config, BlobStore store) {
      this.config = config;
      this.store = store;
    }

    /**
     * Where resumable uploads (tus 1.0, the IETF draft) are kept; by default, for a {@link
     * FileBlobStore}, its own {@link FileUploadStore}; other stores serve none unless given one.
     */
    public Builder uploads(UploadStore uploads) {
      this.uploads = uploads;
      return this;
    }

    /**
     * Sends requests whose path starts with {@code prefix} (e.g. {@code /tables/}) to {@code
     * handler}, after the shutdown gate and the bearer-token check. The handler runs on a virtual
     * thread and may block; it must complete the callback.
     */
    public Builder route(String prefix, Request.Handler handler) {
      if (!prefix.startsWith("/")) {
        throw new IllegalArgumentException("route prefix must start with /: " + prefix);
      }
      extras.add(new Router.Extra(prefix, handler));
      return this;
    }

    /**
     * Sends each access line (text or JSON as {@link ServerConfig#logFormat()} says, no line break)
     * to {@code lines} instead of the SLF4J logger {@code dev.sluice.access}; {@code lines} is
     * called from many threads at once.
     */
    public Builder accessLog(Consumer<String> lines) {
      this.accessLog = java.util.Objects.requireNonNull(lines);
      return this;
    }

    /** The clock resumable uploads expire by (tests advance one); the system's by default. */
    public Builder uploadClock(Clock clock) {
      this.uploadClock = java.util.Objects.requireNonNull(clock);
      return this;
    }

    /** Binds and starts serving. */
    public SluiceServer start() throws Exception {
      // uploads of a known length reserve their blocks (overwriting ones no longer wait in rename)
      BlockReservation fallocate = Fallocate.ifAvailable();
      if (fallocate != null) {
        TemporaryFile.reserveBlocksWith(fallocate);
      }
      UploadStore uploadStore = uploads;
      if (uploadStore == null && store instanceof FileBlobStore files) {
        uploadStore = FileUploadStore.open(files);
      }
      SluiceServer server =
          new SluiceServer(config, store, uploadStore, uploadClock, extras, accessLog);
      try {
        server.jetty.start();
      } catch (Exception e) {
        if (server.sweeper != null) {
          server.sweeper.close();
        }
        if (server.resumable != null) {
          server.resumable.close(); // a server alone: its own coordination's renewal thread
        }
        if (server.cluster != null) {
          server.cluster.close();
        }
        throw e;
      }
      if (server.cluster != null) {
        server.cluster.start(server.baseUrl());
      }
      LOG.info(
          "listening on {} ({}) · store {}",
          server.baseUrl(),
          String.join(", ", server.connector.getProtocols()),
          Secrets.redact(store.describe()));
      return server;
    }
  }

  /** The port the server listens on (the real one when configured with 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://HOST:PORT}, or {@code https://HOST:PORT} with TLS. */
  public String baseUrl() {
    return (config.tls() ? "https://" : "http://") + config.bind() + ":" + port();
  }

  /**
   * The coordination store's answer to one round trip, for a readiness probe; empty for a server
   * alone (no {@code --coord}), which has no store to wait for.
   */
  public java.util.Optional<dev.sluice.coord.Probe> coordinationProbe() {
    return cluster == null ? java.util.Optional.empty() : java.util.Optional.of(cluster.probe());
  }

  /** One line saying where the server listens, where it stores and how auth is set. */
  public String startupLine() {
    return "sluice: serving on "
        + baseUrl()
        + " · store "
        + Secrets.redact(store.describe())
        + (cluster == null
            ? ""
            : " · cluster node " + cluster.nodeId() + " via " + cluster.coordination().describe())
        + " · auth "
        + (config.authRequired()
            ? "token (writes need Authorization: Bearer; reads the token or a signed link)"
            : "none (open: set --token or SLUICE_TOKEN to require one)");
  }

  /**
   * Drains and stops: new requests get 503 from now on, transfers in flight may finish within
   * {@code grace}, the rest are aborted with {@link AbortReason#SHUTDOWN}; then the connector
   * closes. Later calls return at once.
   *
   * @return true if every transfer finished within the grace period
   */
  public boolean shutdown(Duration grace) throws Exception {
    synchronized (shutdownLock) {
      if (shutDown) {
        return true;
      }
      shutDown = true;
    }
    router.drain();
    LOG.info(
        "draining: {} transfers in flight get {} s to finish; new requests get 503",
        registry.jobs().size(),
        grace.toSeconds());
    long end = System.nanoTime() + grace.toNanos();
    boolean drained = registry.awaitIdle(grace) && awaitAdmitted(end);
    if (drained) {
      LOG.info("drained: every transfer finished");
    } else {
      LOG.warn("grace period over: aborting {} transfers (SHUTDOWN)", registry.jobs().size());
    }
    // uploads and downloads still running are cancelled with SHUTDOWN and waited for; then the lag
    // probe and the workers stop
    registry.shutdown(Duration.ZERO);
    jetty.stop();
    if (sweeper != null) {
      sweeper.close();
    }
    if (resumable != null) {
      resumable.close();
    }
    if (cluster != null) {
      cluster.close(); // releases this node's leases, leaves the node list
    }
    LOG.info("stopped");
    return drained;
  }

  /** Waits until no admitted request (an upload to an extra route, say) runs, or {@code end}. */
  private boolean awaitAdmitted(long end) throws InterruptedException {
    while (admission.running() > 0) {
      if (System.nanoTime() - end >= 0) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /**
   * Deletes the expired resumable uploads now, as the sweeper does every tenth of {@code
   * --upload-expiry}; returns how many incomplete ones it deleted (0 without resumable uploads).
   */
  public int sweepExpiredUploads() throws java.io.IOException {
    return sweeper == null ? 0 : sweeper.sweep();
  }

  /** Blocks until the server has stopped. */
  public void awaitStop() throws InterruptedException {
    jetty.join();
  }

  /** Shuts down with the configured grace period. */
  @Override
  public void close() throws java.io.IOException {
    try {
      shutdown(config.grace());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.io.IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new java.io.IOException("stopping the server failed", e);
    }
  }
}
