package dev.sluice.http;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Secrets;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.delivery.Delivery;
import dev.sluice.core.delivery.RangeLimits;
import dev.sluice.core.job.JobRegistry;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.job.SchedulerLag;
import dev.sluice.core.job.WorkerPool;
import dev.sluice.http.internal.Admission;
import dev.sluice.http.internal.Auth;
import dev.sluice.http.internal.Deliveries;
import dev.sluice.http.internal.JettyErrors;
import dev.sluice.http.internal.Keys;
import dev.sluice.http.internal.LivenessFirst;
import dev.sluice.http.internal.MinimumReadRate;
import dev.sluice.http.internal.Router;
import dev.sluice.http.internal.ServerContext;
import dev.sluice.http.internal.ServerMetrics;
import dev.sluice.http.internal.Throttle;
import dev.sluice.http.internal.Transfers;
import dev.sluice.http.internal.Uploads;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

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
 */
public final class SluiceServer implements AutoCloseable {

  private final ServerConfig config;
  private final BlobStore store;
  private final Server jetty;
  private final ServerConnector connector;
  private final Router router;
  private final Transfers transfers;
  private final JobRegistry registry;
  private final Admission admission;
  private final Object shutdownLock = new Object();
  private boolean shutDown; // guarded by shutdownLock

  private SluiceServer(ServerConfig config, BlobStore store, List<Router.Extra> extras) {
    this.config = config;
    this.store = store;
    this.transfers = new Transfers();
    this.registry = new JobRegistry();
    SchedulerLag lag = registry.own(SchedulerLag.start());
    ServerMetrics metrics = registry.own(new ServerMetrics(transfers));
    metrics.schedulerLag("p50", () -> lag.snapshot().p50Nanos() / 1e9);
    metrics.schedulerLag("p99", () -> lag.snapshot().p99Nanos() / 1e9);
    metrics.schedulerLag("max", () -> lag.snapshot().maxNanos() / 1e9);
    Throttle throttle = new Throttle(config.globalRate(), config.defaultRate(), config.maxRate());
    WorkerPool workers =
        config.workers() == 0 ? null : registry.own(WorkerPool.of(config.workers()));
    this.admission =
        new Admission(
            MemoryBudget.of(config.effectiveMemoryBudget()),
            config.maxTransfers(),
            config.effectiveMaxOpenFiles(),
            config.admissionWait());
    metrics.admission(admission);
    ServerContext context =
        new ServerContext(config, transfers, metrics, throttle, registry, lag, workers, admission);
    Keys keys = new Keys();
    Delivery delivery = Delivery.of(new RangeLimits(config.maxRanges(), 80, 1));
    this.router =
        new Router(
            context,
            new Auth(config.token(), Clock.systemUTC()),
            keys,
            new Uploads(store, context),
            new Deliveries(store, context, delivery),
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
    HttpConnectionFactory http11 = new HttpConnectionFactory(http);
    http11.setInputBufferSize(64 * 1024); // fewer, larger reads for multi-gigabyte uploads
    this.connector = new ServerConnector(jetty, 1, 1, http11);
    connector.setHost(config.bind());
    connector.setPort(config.port());
    connector.setIdleTimeout(config.idleTimeout().toMillis());
    connector.setAcceptQueueSize(1024);
    jetty.addConnector(connector);
    // past the cap the server stops accepting: a flood of connections waits in the kernel's queue
    // instead of each taking an fd, buffers and a parse before the others are answered
    jetty.addBean(new NetworkConnectionLimit(config.maxConnections(), connector));
    // against slow-drip uploads; downloads may be throttled far below any floor, so none there
    jetty.setHandler(
        new LivenessFirst(
            new MinimumReadRate(router, config.minRequestDataRate()), handlers, router::draining));
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

    private Builder(ServerConfig config, BlobStore store) {
      this.config = config;
      this.store = store;
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

    /** Binds and starts serving. */
    public SluiceServer start() throws Exception {
      SluiceServer server = new SluiceServer(config, store, extras);
      server.jetty.start();
      return server;
    }
  }

  /** The port the server listens on (the real one when configured with 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://HOST:PORT}. */
  public String baseUrl() {
    return "http://" + config.bind() + ":" + port();
  }

  /** One line saying where the server listens, where it stores and how auth is set. */
  public String startupLine() {
    return "sluice: serving on "
        + baseUrl()
        + " · store "
        + Secrets.redact(store.describe())
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
    long end = System.nanoTime() + grace.toNanos();
    boolean drained = transfers.awaitIdle(grace) && awaitAdmitted(end);
    if (!drained) {
      transfers.cancelAll(AbortReason.SHUTDOWN);
      transfers.awaitIdle(Duration.ofSeconds(5));
    }
    registry.shutdown(Duration.ZERO); // any upload left is cancelled; the lag probe, workers stop
    jetty.stop();
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
