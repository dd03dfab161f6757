package dev.sluice.coord;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Opening a store where nothing listens fails at once, naming the store, never its password. */
class UnreachableStoreIT {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "redis://:s3cret@127.0.0.1:PORT/0",
        "jdbc:postgresql://127.0.0.1:PORT/test?user=postgres&password=s3cret&connectTimeout=1"
      })
  void aStoreThatDoesNotAnswerFailsOpeningWithoutCredentialsInTheMessage(String template) {
    int port = TestStores.closedPort();
    String url = template.replace("PORT", Integer.toString(port));
    CoordinationOptions options =
        CoordinationOptions.defaults().withConnectTimeout(Duration.ofMillis(300));
    assertThatThrownBy(() -> Coordination.open(url, options))
        .isInstanceOf(CoordinationException.class)
        .hasMessageContaining("coordination store")
        .hasMessageContaining("127.0.0.1:" + port)
        .hasMessageNotContaining("s3cret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mysql://127.0.0.1/x", "http://127.0.0.1:6379"})
  void aUrlNoProviderOpensIsRefusedWithTheSchemesThatWork(String url) {
    assertThatThrownBy(() -> Coordination.open(url, CoordinationOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("coordination store must be redis://, rediss:// or jdbc:postgresql://: " + url);
  }
}
