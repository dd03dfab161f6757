package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AcceptEncodingTest {

  @Test
  void gzipIsAcceptedUnlessItsQualityIsZero() {
    assertThat(Deliveries.acceptsGzip("gzip")).isTrue();
    assertThat(Deliveries.acceptsGzip("br, gzip;q=0.5")).isTrue();
    assertThat(Deliveries.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(Deliveries.acceptsGzip("identity")).isFalse();
    assertThat(Deliveries.acceptsGzip(null)).isFalse();
  }
}
