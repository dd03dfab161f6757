package dev.sluice.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerMetricsTest {

  @Test
  void theSinkLabelIsTheStoresSchemeAndNothingElse() {
    assertThat(ServerMetrics.sinkOf("file:/srv/data")).isEqualTo("file");
    assertThat(ServerMetrics.sinkOf("s3://bucket/prefix")).isEqualTo("s3");
    assertThat(ServerMetrics.sinkOf("jdbc:postgresql://db/test#blobs")).isEqualTo("jdbc");
    assertThat(ServerMetrics.sinkOf("a store without a scheme")).isEqualTo("store");
    assertThat(ServerMetrics.sinkOf(null)).isEqualTo("store");
  }
}
