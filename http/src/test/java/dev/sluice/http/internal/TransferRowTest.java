package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.http.internal.Transfers.Direction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard reads the {@code /jobs} listing through {@link TransferRow}: its one adapter. */
class TransferRowTest {

  @Test
  void readsEveryFieldOfTheJobsListing() {
    Transfers transfers = new Transfers();
    try (Transfers.Transfer t = transfers.open(Direction.DOWNLOAD, "a/b.bin", 1000)) {
      t.add(300);
      t.client("192.0.2.7");
      t.rateLimit(4096);
      t.offloaded(true);
      t.inFlightBytes(() -> 64);
      TransferRow row = TransferRow.from(transfers.describe()).get(0);
      assertThat(row.direction()).isEqualTo("download");
      assertThat(row.key()).isEqualTo("a/b.bin");
      assertThat(row.client()).isEqualTo("192.0.2.7");
      assertThat(row.bytes()).isEqualTo(300);
      assertThat(row.expectedBytes()).isEqualTo(1000);
      assertThat(row.rateLimit()).isEqualTo(4096);
      assertThat(row.offloaded()).isTrue();
      assertThat(row.inFlightBytes()).isEqualTo(64);
      assertThat(transfers.cancel(row.id(), dev.sluice.core.AbortReason.CANCELLED)).isTrue();
      assertThat(t.cancelReason()).isEqualTo(dev.sluice.core.AbortReason.CANCELLED);
    }
    assertThat(transfers.cancel(12345, dev.sluice.core.AbortReason.CANCELLED)).isFalse();
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
