package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

  @Test
  void defaultsServeLoopbackOnPort8080FromSluiceDataWithoutAuth() {
    ServerConfig config = ServerConfig.builder().build();
    assertThat(config.bind()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.store()).isEqualTo("./sluice-data");
    assertThat(config.authRequired()).isFalse();
  }

  @Test
  void environmentVariablesOverrideTheDefaults() {
    ServerConfig config =
        ServerConfig.fromEnvironment(
                Map.of(
                    "SLUICE_PORT", "9090",
                    "SLUICE_TOKEN", "t",
                    "SLUICE_MAX_BODY", "1GiB",
                    "SLUICE_RATE", "64KiB",
                    "SLUICE_GRACE", "7"))
            .build();
    assertThat(config.port()).isEqualTo(9090);
    assertThat(config.token()).isEqualTo("t");
    assertThat(config.maxBodySize()).isEqualTo(1L << 30);
    assertThat(config.defaultRate()).isEqualTo(64 * 1024);
    assertThat(config.grace()).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void aMalformedVariableIsNamedInTheError() {
    assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("SLUICE_MAX_BODY", "lots")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("SLUICE_MAX_BODY=lots: invalid size 'lots'");
    assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("SLUICE_PORT", "x")))
        .hasMessage("SLUICE_PORT=x: not a whole number");
  }

  @Test
  void anEmptyTokenMeansNoAuth() {
    assertThat(ServerConfig.builder().token("").build().authRequired()).isFalse();
  }

  @Test
  void uploadsRunOnOneWorkerPerProcessorUnlessSluiceWorkersSaysOtherwise() {
    assertThat(ServerConfig.builder().build().workers())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(ServerConfig.fromEnvironment(Map.of("SLUICE_WORKERS", "0")).build().workers())
        .isZero();
    assertThatThrownBy(() -> ServerConfig.builder().workers(-1).build())
        .hasMessage("workers must be >= 0: -1");
  }

  @Test
  void admissionLimitsComeFromTheJvmUnlessSetAndAreCheckedWhenSet() {
    ServerConfig defaults = ServerConfig.builder().build();
    assertThat(defaults.effectiveMemoryBudget()).isGreaterThanOrEqualTo(8L << 20);
    assertThat(defaults.maxTransfers()).isEqualTo(1024);
    assertThat(defaults.maxConnections()).isEqualTo(384);
    assertThat(defaults.effectiveMaxOpenFiles()).isBetween(64, 4096);
    assertThat(defaults.admissionWait()).isEqualTo(Duration.ofMillis(500));
    ServerConfig set =
        ServerConfig.fromEnvironment(
                Map.of(
                    "SLUICE_MEMORY_BUDGET", "16MiB",
                    "SLUICE_MAX_TRANSFERS", "10",
                    "SLUICE_MAX_CONNECTIONS", "20",
                    "SLUICE_MAX_OPEN_FILES", "20"))
            .build();
    assertThat(set.effectiveMemoryBudget()).isEqualTo(16L << 20);
    assertThat(set.maxTransfers()).isEqualTo(10);
    assertThat(set.maxConnections()).isEqualTo(20);
    assertThatThrownBy(() -> ServerConfig.builder().maxConnections(0).build())
        .hasMessage("maxConnections must be > 0: 0");
    assertThat(set.effectiveMaxOpenFiles()).isEqualTo(20);
    assertThatThrownBy(() -> ServerConfig.builder().maxTransfers(0).build())
        .hasMessage("maxTransfers must be > 0: 0");
    assertThatThrownBy(() -> ServerConfig.builder().memoryBudget(-1).build())
        .hasMessage("memoryBudget must be >= 0: -1");
  }

  @Test
  void loggingTlsAndCorsSettingsComeFromTheEnvironment() {
    ServerConfig config =
        ServerConfig.fromEnvironment(
                Map.of(
                    "SLUICE_LOG_FORMAT", "JSON",
                    "SLUICE_H2C", "true",
                    "SLUICE_CORS_ORIGIN", " https://a.example , https://b.example ,"))
            .build();
    assertThat(config.logFormat()).isEqualTo(LogFormat.JSON);
    assertThat(config.h2c()).isTrue();
    assertThat(config.corsOrigins()).containsExactly("https://a.example", "https://b.example");
    assertThat(config.accessLog()).isTrue();
    assertThat(config.tls()).isFalse();

    ServerConfig tls =
        ServerConfig.fromEnvironment(
                Map.of("SLUICE_TLS_CERT", "cert.pem", "SLUICE_TLS_KEY", "key.pem"))
            .build();
    assertThat(tls.tls()).isTrue();
    assertThat(tls.tlsKey()).hasToString("key.pem");
  }

  @Test
  void malformedLoggingAndH2cValuesNameTheVariableAndTheRule() {
    assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("SLUICE_H2C", "maybe")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SLUICE_H2C=maybe: must be true or false");
    assertThatThrownBy(() -> ServerConfig.fromEnvironment(Map.of("SLUICE_LOG_FORMAT", "xml")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SLUICE_LOG_FORMAT=xml: log format must be text or json: xml");
    assertThatThrownBy(
            () -> ServerConfig.fromEnvironment(Map.of("SLUICE_TLS_KEY", "key.pem")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TLS needs both a certificate and its key: no certificate given");
  }

  @Test
  void aServerRunsAloneUnlessACoordinationStoreIsGiven() {
    assertThat(ServerConfig.builder().build().coord()).isNull();
    ServerConfig node =
        ServerConfig.fromEnvironment(
                Map.of("SLUICE_COORD", "redis://127.0.0.1:6379", "SLUICE_NODE_ID", "n-1"))
            .build();
    assertThat(node.coord()).isEqualTo("redis://127.0.0.1:6379");
    assertThat(node.nodeId()).isEqualTo("n-1");
    assertThat(ServerConfig.builder().coord("jdbc:postgresql://db/x").build().coord())
        .isEqualTo("jdbc:postgresql://db/x");
  }

  @Test
  void aCoordinationStoreOfAnotherKindIsRefusedWithoutItsPassword() {
    assertThatThrownBy(() -> ServerConfig.builder().coord("mysql://u:pw@db:3306/x").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("coord must be redis://, rediss:// or jdbc:postgresql://: mysql://")
        .hasMessageNotContaining("pw");
    assertThatThrownBy(() -> ServerConfig.builder().nodeId("two words").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nodeId must be 1 to 64 letters, digits, '.', '_' or '-': two words");
  }
}
