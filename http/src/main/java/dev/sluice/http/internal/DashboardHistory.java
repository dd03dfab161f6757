package dev.sluice.http.internal;

import dev.sluice.core.job.MemoryBudget;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The last minutes of the server's figures, one sample a second, for the dashboard's charts; and
 * each running transfer's rate over the last second. Sampled on one daemon thread it owns; {@link
 * #close} stops it. Readers get copies, safe from any thread.
 */
final class DashboardHistory implements AutoCloseable {

  /** Samples kept: five minutes at one a second. */
  static final int CAPACITY = 300;

  /** The series of a sample, in the order {@link Sample#values} holds them. */
  static final List<String> SERIES =
      List.of(
          "bytesInPerSecond",
          "bytesOutPerSecond",
          "lagP50Ms",
          "lagP99Ms",
          "lagMaxMs",
          "chunkWriteMeanMs",
          "chunkWriteMaxMs",
          "inFlightBytes",
          "heapUsed",
          "directUsed",
          "rss",
          "budgetUsed");

  /** One second's figures: epoch milliseconds and a value per {@link #SERIES} entry. */
  record Sample(long at, double[] values) {}

  private static final Path STATUS = Path.of("/proc/self/status");

  private final ServerContext context;
  private final ScheduledExecutorService timer;
  private final Sample[] ring = new Sample[CAPACITY];
  private int next; // guarded by this
  private int size; // guarded by this
  private volatile Map<Long, Double> rates = Map.of();
  private Map<Long, Long> lastBytes = new HashMap<>(); // sampler thread only
  private long lastAt;
  private double lastIn;
  private double lastOut;
  private long lastWrites;
  private double lastWriteNanos;

  DashboardHistory(ServerContext context) {
    this.context = context;
    this.lastAt = System.nanoTime();
    this.lastIn = context.metrics().bytesInTotal();
    this.lastOut = context.metrics().bytesOutTotal();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("sluice-dashboard").factory());
    timer.scheduleAtFixedRate(this::sampleQuietly, 1, 1, TimeUnit.SECONDS);
  }

  /** The samples taken after {@code since} (epoch milliseconds), oldest first. */
  synchronized List<Sample> since(long since) {
    List<Sample> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Sample s = ring[(next - size + i + CAPACITY) % CAPACITY];
      if (s.at() > since) {
        out.add(s);
      }
    }
    return out;
  }

  /** The bytes/s of running transfer {@code id} over the last second, 0 when not yet measured. */
  double rate(long id) {
    return rates.getOrDefault(id, 0.0);
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      // a figure that cannot be read this second is missing from the chart, nothing more
    }
  }

  private void sample() {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastAt) / 1e9);
    lastAt = now;
    ServerMetrics metrics = context.metrics();
    double in = metrics.bytesInTotal();
    double out = metrics.bytesOutTotal();
    long writes = metrics.chunkWrites();
    double writeNanos = metrics.chunkWriteNanosTotal();
    double writeMean =
        writes > lastWrites ? (writeNanos - lastWriteNanos) / (writes - lastWrites) : 0;
    Map<Long, Long> bytes = new HashMap<>();
    Map<Long, Double> newRates = new HashMap<>();
    long inFlight = 0;
    for (TransferRow row : TransferRow.running(context)) {
      bytes.put(row.id(), row.bytes());
      Long before = lastBytes.get(row.id());
      newRates.put(row.id(), before == null ? 0 : (row.bytes() - before) / seconds);
      inFlight += row.inFlightBytes();
    }
    lastBytes = bytes;
    rates = newRates;
    dev.sluice.core.job.Latency lag = context.lag().snapshot();
    MemoryBudget budget = context.admission().memory();
    double[] values = {
      (in - lastIn) / seconds,
      (out - lastOut) / seconds,
      lag.p50Nanos() / 1e6,
      lag.p99Nanos() / 1e6,
      lag.maxNanos() / 1e6,
      writeMean / 1e6,
      metrics.chunkWriteMaxNanos() / 1e6,
      inFlight,
      ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
      MemoryBudget.directMemoryUsed(),
      residentBytes(),
      budget.used()
    };
    lastIn = in;
    lastOut = out;
    lastWrites = writes;
    lastWriteNanos = writeNanos;
    synchronized (this) {
      ring[next] = new Sample(System.currentTimeMillis(), values);
      next = (next + 1) % CAPACITY;
      size = Math.min(CAPACITY, size + 1);
    }
  }

  /** The process's resident set size in bytes from {@code /proc}, or -1 where there is none. */
  static long residentBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: unknown
    }
    return -1;
  }

  /** The samples after {@code since} as columns: {@code t} and one array per series. */
  Map<String, Object> columns(long since) {
    List<Sample> samples = since(since);
    Map<String, Object> out = new LinkedHashMap<>();
    long[] t = new long[samples.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = samples.get(i).at();
    }
    out.put("t", t);
    for (int s = 0; s < SERIES.size(); s++) {
      double[] column = new double[samples.size()];
      for (int i = 0; i < column.length; i++) {
        column[i] = Math.round(samples.get(i).values()[s] * 1000) / 1000.0;
      }
      out.put(SERIES.get(s), column);
    }
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
