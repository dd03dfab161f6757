package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.AbortReason;
import dev.sluice.core.job.JobRegistry;
import dev.sluice.core.job.TrackedTransfer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /jobs} and the dashboard read the job registry through {@link TransferRow}: its one
 * adapter.
 */
class TransferRowTest {

  private final JobRegistry registry = new JobRegistry();

  @AfterEach
  void shutDown() throws InterruptedException {
    registry.shutdown(Duration.ZERO);
  }

  @Test
  void readsEveryFieldOfTheJobsListing() {
    try (TrackedTransfer t =
        registry.track("download", "a/b.bin", 1000, TransferRow.attributes("192.0.2.7", 4096))) {
      t.add(300);
      TransferRow row = TransferRow.from(TransferRow.listing(registry)).get(0);
      assertThat(row.direction()).isEqualTo("download");
      assertThat(row.key()).isEqualTo("a/b.bin");
      assertThat(row.client()).isEqualTo("192.0.2.7");
      assertThat(row.bytes()).isEqualTo(300);
      assertThat(row.expectedBytes()).isEqualTo(1000);
      assertThat(row.rateLimit()).isEqualTo(4096);
      assertThat(row.offloaded()).as("a download writes on its request's thread").isFalse();
      assertThat(row.inFlightBytes()).isZero();
      assertThat(registry.cancel(row.id(), AbortReason.CANCELLED)).isTrue();
      assertThat(t.cancelReason()).isEqualTo(AbortReason.CANCELLED);
    }
    assertThat(registry.cancel(12345, AbortReason.CANCELLED)).isFalse();
  }

  @Test
  void attributesLeaveOutWhatIsUnknown() {
    assertThat(TransferRow.attributes(null, 0)).isEmpty();
    TrackedTransfer t = registry.track("upload", "k", -1, TransferRow.attributes(null, 0));
    TransferRow row = TransferRow.from(TransferRow.listing(registry)).get(0);
    assertThat(row.client()).isNull();
    assertThat(row.rateLimit()).isZero();
    assertThat(row.expectedBytes()).isEqualTo(-1);
    t.close();
  }

  @Test
  void fieldsALaterListingLeavesOutReadAsUnknown() {
    TransferRow row =
        TransferRow.from(List.of(Map.of("id", 3L, "direction", "upload", "key", "k"))).get(0);
    assertThat(row.client()).isNull();
    assertThat(row.expectedBytes()).isEqualTo(-1);
    assertThat(row.rateLimit()).isZero();
    assertThat(row.offloaded()).isFalse();
  }
}
