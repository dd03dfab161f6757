package dev.sluice.core.job;

import static dev.sluice.core.testing.IngestionAssertions.assertAbortedBy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.AbortReason;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sinks;
import dev.sluice.core.Sources;
import dev.sluice.core.Transforms;
import dev.sluice.core.testing.CountingSource;
import dev.sluice.core.testing.FailingSource;
import dev.sluice.core.testing.RecordingSink;
import dev.sluice.core.testing.TestData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the report and the listener say about a job, committed or aborted. */
class IngestionReportTest {

  private static final int CHUNK = 1000;

  private final byte[] content = TestData.random(10 * CHUNK + 1);

  @Test
  void aCommittedReportDescribesThePipelineItsBytesStagesAndDigests() throws IOException {
    RecordingSink sink = new RecordingSink();

    IngestionReport report =
        Ingestion.from(CountingSource.of(content))
            .through(Transforms.sha256())
            .through(Transforms.gzip(6))
            .to(sink)
            .chunkSize(CHUNK)
            .run();

    assertThat(report.pipeline()).isEqualTo("counting → sha256 → gzip → recording");
    assertThat(report.outcome()).isEqualTo(Outcome.COMMITTED);
    assertThat(report.committed()).isTrue();
    assertThat(report.reason()).isNull();
    assertThat(report.bytesIn()).isEqualTo(content.length);
    assertThat(report.bytesOut()).isEqualTo(sink.bytes().length);
    assertThat(report.chunks()).isEqualTo(11);
    assertThat(report.digests())
        .containsOnlyKeys("sha256")
        .containsEntry("sha256", TestData.sha256Hex(content));
    assertThat(report.stageTimes()).containsOnlyKeys("sha256", "gzip", "recording");
    Latency latency = report.chunkWriteLatency();
    assertThat(latency.maxNanos()).isPositive().isGreaterThanOrEqualTo(latency.p99Nanos());
    assertThat(latency.p99Nanos()).isGreaterThanOrEqualTo(latency.p50Nanos());
    assertThat(report.duration()).isPositive();
    assertThat(report.mibPerSecond()).isPositive();
    assertThat(report.receipt()).isEqualTo(Receipt.of("memory").with("bytes", sink.bytes().length));
  }

  @Test
  void theJobKeepsReportingTheWholeExpectedLengthAfterTheSourceWasRead() throws Exception {
    IngestionJob job =
        Ingestion.from(Sources.generated(content.length, 7))
            .to(Sinks.discard())
            .chunkSize(CHUNK)
            .start();

    job.get();

    assertThat(job.expectedBytes()).isEqualTo(content.length);
  }

  @Test
  void theListenerSeesTheStartEveryChunkAndTheSameReportBeforeTheJobCompletes() throws IOException {
    Recorder recorder = new Recorder();

    IngestionReport report =
        Ingestion.from(CountingSource.of(content))
            .to(new RecordingSink())
            .chunkSize(CHUNK)
            .listener(recorder)
            .run();

    assertThat(recorder.expectedBytes).isEqualTo(content.length);
    assertThat(recorder.chunkBytes).hasSize(11);
    assertThat(recorder.chunkBytes.stream().mapToLong(Integer::longValue).sum())
        .isEqualTo(content.length);
    assertThat(recorder.end).isSameAs(report);
    assertThat(recorder.doneAtEnd).as("job done when onEnd ran").isFalse();
  }

  @Test
  void anAbortedJobsListenerGetsTheReportTheExceptionCarries() {
    FailingSource source = new FailingSource(content, 3 * CHUNK + 5);
    Recorder recorder = new Recorder();

    IngestionException thrown =
        assertAbortedBy(
            Ingestion.from(source).to(new RecordingSink()).chunkSize(CHUNK).listener(recorder),
            source.failure(),
            AbortReason.SOURCE_FAILED);

    assertThat(recorder.end).isSameAs(thrown.report());
    assertThat(thrown.report().bytesIn()).isEqualTo(3 * CHUNK + 5);
    assertThat(thrown.report().receipt()).isNull();
    assertThat(thrown).hasMessage("SOURCE_FAILED: injected source failure at byte 3005");
  }

  private static final class Recorder implements IngestionListener {
    volatile long expectedBytes = -2;
    final List<Integer> chunkBytes = new ArrayList<>();
    volatile IngestionReport end;
    volatile boolean doneAtEnd;
    private IngestionJob job;

    @Override
    public void onStart(IngestionJob job) {
      this.job = job;
      expectedBytes = job.expectedBytes();
    }

    @Override
    public synchronized void onChunk(int bytes, long writeNanos) {
      chunkBytes.add(bytes);
    }

    @Override
    public void onEnd(IngestionReport report) {
      doneAtEnd = job.isDone();
      end = report;
    }
  }
}
