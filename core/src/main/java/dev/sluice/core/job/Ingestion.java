package dev.sluice.core.job;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.Transform;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Moves one source through transforms into one sink, with memory bounded by {@code chunkSize ×
 * (window + stages)} whatever the stream's length.
 *
 * {@snippet :
 * IngestionReport report =
 *     Ingestion.from(Sources.file(Path.of("big.bin")))
 *         .through(Transforms.sha256())
 *         .to(Sinks.file(Path.of("copy.bin")))
 *         .run();
 * System.out.println(report.digests().get("sha256"));
 * }
 *
 * <p>The source is read on one virtual thread and the sink written on another (or two platform
 * threads, see {@link #platformThreads()}); the reader is never more than {@code window} chunks
 * ahead of the sink. The leading transforms that only {@linkplain dev.sluice.core.ObservingSink
 * observe} the bytes (digests, limits) run on the reading thread, on each chunk as it is read; the
 * others on the writing one. The sink sees exactly one {@code commit()} or {@code abort(cause)} and
 * the source is closed exactly once, on every path.
 */
public final class Ingestion {

  /** Default chunk size: 256 KiB. */
  public static final int DEFAULT_CHUNK_SIZE = 256 * 1024;

  /** Default window: 4 chunks in flight. */
  public static final int DEFAULT_WINDOW = 4;

  private final Source source;
  private final List<Transform> transforms = new ArrayList<>();
  private final List<IngestionListener> listeners = new ArrayList<>();
  private Sink sink;
  private int chunkSize = DEFAULT_CHUNK_SIZE;
  private int window = DEFAULT_WINDOW;
  private Duration timeout;
  private JobRegistry registry;
  private String kind = "ingestion";
  private String name;
  private Map<String, String> attributes = Map.of();
  private WorkerPool offload;
  private SchedulerLag schedulerLag;
  private boolean platformThreads;
  private MemoryBudget.Reservation memory;

  private Ingestion(Source source) {
    if (source == null) {
      throw new NullPointerException("source == null");
    }
    this.source = source;
  }

  /** Starts describing an ingestion that reads {@code source}. */
  public static Ingestion from(Source source) {
    return new Ingestion(source);
  }

  /** Adds a transform; transforms apply in the order they are added. */
  public Ingestion through(Transform transform) {
    if (transform == null) {
      throw new NullPointerException("transform == null");
    }
    transforms.add(transform);
    return this;
  }

  /** Sets the sink. */
  public Ingestion to(Sink sink) {
    if (sink == null) {
      throw new NullPointerException("sink == null");
    }
    this.sink = sink;
    return this;
  }

  /** Sets the size of the chunks read from the source (default 256 KiB). */
  public Ingestion chunkSize(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("chunkSize must be > 0: " + bytes);
    }
    this.chunkSize = bytes;
    return this;
  }

  /** Sets how many chunks may be read ahead of the sink (default 4). */
  public Ingestion window(int chunks) {
    if (chunks <= 0) {
      throw new IllegalArgumentException("window must be > 0: " + chunks);
    }
    this.window = chunks;
    return this;
  }

  /** Aborts with {@link AbortReason#TIMEOUT} if the job has not ended after {@code timeout}. */
  public Ingestion timeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0: " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  /** Adds a listener that observes the job while it runs. */
  public Ingestion listener(IngestionListener listener) {
    if (listener == null) {
      throw new NullPointerException("listener == null");
    }
    listeners.add(listener);
    return this;
  }

  /**
   * Runs the transforms and the sink on {@code workers} (platform threads) instead of the writer's
   * virtual thread, so CPU-heavy transforms (large digests, compression, parsing) do not occupy the
   * carrier threads that every virtual thread of the process shares.
   *
   * <p>The writer hands a worker a run of chunks (those the reader has filled, up to a few MiB, so
   * jobs sharing the pool take turns) and parks until the pipeline has accepted them; the reader
   * keeps filling the window meanwhile. Every transform runs on the workers, digests at the head of
   * the pipeline included (without a pool those run on the reading thread). Order, backpressure,
   * memory ({@code chunkSize × window} plus the transforms' own buffers) and the exactly-one-ending
   * guarantee are unchanged; cancelling interrupts the worker. The sink's own I/O runs on the
   * worker too: size the pool for it, and leave offload off for pipelines that mostly wait (a rate
   * limit, a slow network).
   */
  public Ingestion offload(WorkerPool workers) {
    if (workers == null) {
      throw new NullPointerException("workers == null");
    }
    this.offload = workers;
    return this;
  }

  /**
   * Reads the source and writes the sink on two platform threads (daemon threads that end with the
   * job) instead of virtual threads. For a process that runs one job at a time, such as the command
   * line: each blocking file read or write on a virtual thread makes the scheduler bring in another
   * carrier thread for its duration, and a 1 GiB file copy with SHA-256 took ~15% longer that way
   * on a 2-core machine (docs/benchmarks.md, "Core ingestion"). A server running many jobs keeps
   * the default, virtual threads.
   */
  public Ingestion platformThreads() {
    this.platformThreads = true;
    return this;
  }

  /**
   * Takes the job's chunks ({@code chunkSize × window} bytes) from {@code memory} instead of the
   * process's shared pool: a server reserves them from its {@link MemoryBudget} before it admits
   * the transfer. The job gives them back when it ends; the caller closes the reservation after the
   * job has ended.
   */
  public Ingestion memory(MemoryBudget.Reservation memory) {
    if (memory == null) {
      throw new NullPointerException("memory == null");
    }
    this.memory = memory;
    return this;
  }

  /**
   * Puts into the report ({@link IngestionReport#schedulerLag()}) how late {@code probe} saw
   * virtual-thread wake-ups run while this job ran: a sign of CPU work hogging the carriers.
   */
  public Ingestion schedulerLag(SchedulerLag probe) {
    if (probe == null) {
      throw new NullPointerException("probe == null");
    }
    this.schedulerLag = probe;
    return this;
  }

  /**
   * Tracks the job in {@code registry} while it runs; the registry refuses it once it is shutting
   * down, and cancels it with {@link AbortReason#SHUTDOWN} when its grace period runs out.
   */
  public Ingestion registry(JobRegistry registry) {
    if (registry == null) {
      throw new NullPointerException("registry == null");
    }
    this.registry = registry;
    return this;
  }

  /**
   * How its {@link #registry} lists the job ({@link JobStatus#kind()}, {@link JobStatus#name()}):
   * e.g. {@code listedAs("upload", key)}. By default {@code ingestion} and the sink as text.
   */
  public Ingestion listedAs(String kind, String name) {
    return listedAs(kind, name, Map.of());
  }

  /**
   * As {@link #listedAs(String, String)}, with {@code attributes} the registry lists beside it
   * ({@link JobStatus#attributes()}): what its caller knows of it and the engine does not, e.g. a
   * server's {@code client} address. Copied; keys and values are the caller's to choose.
   */
  public Ingestion listedAs(String kind, String name, Map<String, String> attributes) {
    if (kind == null || name == null) {
      throw new NullPointerException(kind == null ? "kind == null" : "name == null");
    }
    this.kind = kind;
    this.name = name;
    this.attributes = Map.copyOf(attributes);
    return this;
  }

  /**
   * Starts the ingestion on virtual threads (or {@linkplain #platformThreads() platform threads})
   * and returns its handle at once.
   *
   * @throws ShuttingDownException if its {@link #registry} is shutting down; the sink was then
   *     aborted and the source closed
   */
  public IngestionJob start() {
    if (sink == null) {
      throw new IllegalStateException("no sink: call to(sink) before start()");
    }
    Engine.Plan plan =
        new Engine.Plan(
            source,
            List.copyOf(transforms),
            sink,
            chunkSize,
            window,
            timeout,
            List.copyOf(listeners),
            offload,
            schedulerLag,
            platformThreads,
            memory);
    return registry == null ? Engine.start(plan) : registry.start(plan, kind, name, attributes);
  }

  /**
   * Runs the ingestion to its end.
   *
   * @return the report of the committed ingestion
   * @throws IngestionException if it was aborted; its cause is the root cause
   * @throws ShuttingDownException if its {@link #registry} is shutting down
   * @throws java.io.InterruptedIOException if the calling thread was interrupted (the job is then
   *     cancelled and has ended)
   */
  public IngestionReport run() throws IOException {
    IngestionJob job = start();
    try {
      return job.get();
    } catch (InterruptedException e) {
      job.cancel(AbortReason.CANCELLED);
      awaitQuietly(job);
      Thread.currentThread().interrupt();
      var interrupted =
          new java.io.InterruptedIOException("interrupted while running " + job.pipeline());
      interrupted.initCause(e);
      throw interrupted;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IngestionException failure) {
        throw failure;
      }
      throw new IllegalStateException("engine failed", e.getCause());
    }
  }

  private static void awaitQuietly(IngestionJob job) {
    while (!job.isDone()) {
      try {
        job.get();
      } catch (InterruptedException ignored) {
        // keep waiting: the job ends promptly after cancel
      } catch (ExecutionException ignored) {
        return;
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(source.toString());
    transforms.forEach(t -> text.append(" → ").append(t));
    return text.append(" → ").append(sink).toString();
  }
}
