package dev.sluice.core;

import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.WorkerPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/**
 * The contract suites of the built-in sinks, transforms and sources again, with {@link
 * Ingestion#offload} on: the transforms and the sink run on a worker pool. Each nested class
 * inherits the suite (and the extra checks) of the test it extends.
 */
class OffloadedContractsTest {

  static final WorkerPool WORKERS = WorkerPool.of(2);

  @AfterAll
  static void closeWorkers() {
    WORKERS.close();
  }

  @Nested
  class FileSink extends FileSinkTest {
    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class DiscardSink extends DiscardSinkTest {
    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class OutputStreamSink extends OutputStreamSinkTest {
    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class Gzip extends GzipTransformTest.AtLevel {
    Gzip() {
      super(6);
    }

    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class Gunzip extends GunzipTransformTest {
    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class Limit extends LimitTransformTest {
    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class RateLimit extends RateLimitTransformTest {
    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class FileSource extends FileSourceTest {
    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class GeneratedSource extends GeneratedSourceTest {
    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class InputStreamSource extends InputStreamSourceTest {
    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class Sha256 extends DigestTransformTest.DigestContract {
    Sha256() {
      super("sha256", Transforms::sha256);
    }

    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class Sha512 extends DigestTransformTest.DigestContract {
    Sha512() {
      super("sha512", Transforms::sha512);
    }

    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class Md5 extends DigestTransformTest.DigestContract {
    Md5() {
      super("md5", Transforms::md5);
    }

    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }

  @Nested
  class Crc32c extends DigestTransformTest.DigestContract {
    Crc32c() {
      super("crc32c", Transforms::crc32c);
    }

    @Override
    protected Ingestion ingestion(Source source) {
      return super.ingestion(source).offload(WORKERS);
    }
  }
}
