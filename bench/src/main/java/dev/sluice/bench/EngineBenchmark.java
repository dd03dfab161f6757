package dev.sluice.bench;

import dev.sluice.core.Sinks;
import dev.sluice.core.Sources;
import dev.sluice.core.Transforms;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionReport;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's per-chunk overhead: a generated source into a discarding sink, at several chunk
 * sizes, with no transform and with a pass-through transform. Time per 64 MiB job; divide by the
 * chunk count for the cost of one chunk.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx64m", "-XX:+UseSerialGC"})
public class EngineBenchmark {

  /** Bytes per job. */
  static final long SIZE = 64L << 20;

  @Param({"4096", "65536", "262144", "1048576"})
  int chunkSize;

  @Benchmark
  public IngestionReport noTransform() throws IOException {
    return Ingestion.from(Sources.generated(SIZE, 1))
        .to(Sinks.discard())
        .chunkSize(chunkSize)
        .run();
  }

  @Benchmark
  public IngestionReport passThrough() throws IOException {
    return Ingestion.from(Sources.generated(SIZE, 1))
        .through(Transforms.named("pass", sink -> sink))
        .to(Sinks.discard())
        .chunkSize(chunkSize)
        .run();
  }
}
