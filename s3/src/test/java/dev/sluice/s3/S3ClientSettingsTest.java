package dev.sluice.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

class S3ClientSettingsTest {

  @Test
  void defaultsToUsEast1OnAwsWithVirtualHostedAddressing() {
    S3ClientSettings settings = S3ClientSettings.from(Map.of(), Map.of());
    assertThat(settings).isEqualTo(new S3ClientSettings(Region.US_EAST_1, null, false));
  }

  @Test
  void optionsWinOverTheEnvironment() {
    S3ClientSettings settings =
        S3ClientSettings.from(
            Map.of("s3-region", "eu-west-1", "s3-endpoint", "http://127.0.0.1:9000"),
            Map.of("AWS_REGION", "us-west-2", "AWS_ENDPOINT_URL", "http://elsewhere:1"));
    assertThat(settings)
        .isEqualTo(
            new S3ClientSettings(Region.EU_WEST_1, URI.create("http://127.0.0.1:9000"), true));
  }

  @Test
  void theS3SpecificEndpointVariableWinsOverTheGeneralOne() {
    S3ClientSettings settings =
        S3ClientSettings.from(
            Map.of(),
            Map.of(
                "AWS_REGION", "us-west-2",
                "AWS_ENDPOINT_URL", "http://general:1",
                "AWS_ENDPOINT_URL_S3", "https://s3only:2"));
    assertThat(settings)
        .isEqualTo(new S3ClientSettings(Region.US_WEST_2, URI.create("https://s3only:2"), true));
  }

  @Test
  void pathStyleCanBeForcedOnOrOff() {
    assertThat(S3ClientSettings.from(Map.of("s3-path-style", ""), Map.of()).pathStyle()).isTrue();
    assertThat(
            S3ClientSettings.from(
                    Map.of("s3-endpoint", "http://h:1", "s3-path-style", "false"), Map.of())
                .pathStyle())
        .isFalse();
    assertThatThrownBy(() -> S3ClientSettings.from(Map.of("s3-path-style", "yes"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid s3-path-style 'yes': expected true or false");
  }

  @Test
  void aMalformedEndpointIsRefusedNamingWhereItCameFrom() {
    assertThatThrownBy(() -> S3ClientSettings.from(Map.of("s3-endpoint", "ftp://h"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid s3-endpoint 'ftp://h': expected http(s)://host[:port]");
    assertThatThrownBy(
            () -> S3ClientSettings.from(Map.of(), Map.of("AWS_ENDPOINT_URL", "not a url")))
        .hasMessage("invalid AWS_ENDPOINT_URL 'not a url': expected http(s)://host[:port]");
  }
}
