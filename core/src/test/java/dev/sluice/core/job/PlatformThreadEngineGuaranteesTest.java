package dev.sluice.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.testing.CountingSource;
import dev.sluice.core.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The engine's guarantees (exactly one ending, root cause, reasons, window, cancel, timeout) with
 * the reader and the writer on platform threads.
 */
class PlatformThreadEngineGuaranteesTest extends EngineGuaranteesTest {

  @Override
  Ingestion ingest(Source source, Sink sink) {
    return super.ingest(source, sink).platformThreads();
  }

  @Test
  void readsAndWritesOnDaemonPlatformThreadsThatEndWithTheJob() throws Exception {
    Map<String, Thread> threads = new ConcurrentHashMap<>();
    Source counting = CountingSource.of(TestData.random(100_000, 1));
    Source source =
        new Source() {
          @Override
          public int read(ByteBuffer into) throws IOException {
            threads.putIfAbsent("read", Thread.currentThread());
            return counting.read(into);
          }

          @Override
          public void close() throws IOException {
            counting.close();
          }
        };
    Sink sink =
        new Sink() {
          @Override
          public void write(ByteBuffer chunk) {
            threads.putIfAbsent("write", Thread.currentThread());
            chunk.position(chunk.limit());
          }

          @Override
          public Receipt commit() {
            return Receipt.of("test");
          }

          @Override
          public void abort(Throwable cause) {}
        };

    ingest(source, sink).run();

    assertThat(threads).containsOnlyKeys("read", "write");
    for (Thread thread : threads.values()) {
      assertThat(thread.isVirtual()).as(thread + " is virtual").isFalse();
      assertThat(thread.isDaemon()).as(thread + " is a daemon").isTrue();
      thread.join(5_000);
      assertThat(thread.isAlive()).as(thread + " alive after the job").isFalse();
    }
  }
}
