package dev.sluice.s3;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Where and how to reach S3: region, endpoint and addressing style, read from command-line options
 * and the standard AWS environment. Credentials come from the SDK's default provider chain
 * (environment, system properties, profile files, container and instance roles).
 *
 * <table>
 *   <caption>Sources, first match wins</caption>
 *   <tr><th>setting</th><th>option</th><th>environment</th><th>default</th></tr>
 *   <tr><td>region</td><td>{@code s3-region}</td><td>{@code AWS_REGION}</td><td>{@code
 *       us-east-1}</td></tr>
 *   <tr><td>endpoint</td><td>{@code s3-endpoint}</td><td>{@code AWS_ENDPOINT_URL_S3}, {@code
 *       AWS_ENDPOINT_URL}</td><td>AWS</td></tr>
 *   <tr><td>path-style access</td><td>{@code s3-path-style}</td><td></td><td>on when an endpoint
 *       is given</td></tr>
 * </table>
 *
 * {@snippet :
 * S3Client s3 = S3ClientSettings.from(Map.of("s3-endpoint", "http://127.0.0.1:9000"), System.getenv())
 *     .newClient();
 * }
 *
 * @param region the AWS region
 * @param endpoint an S3-compatible endpoint, or null for AWS itself
 * @param pathStyle whether to address buckets as {@code endpoint/bucket/key} rather than {@code
 *     bucket.endpoint/key}
 */
public record S3ClientSettings(Region region, URI endpoint, boolean pathStyle) {

  /** The region used when neither {@code s3-region} nor {@code AWS_REGION} is set. */
  public static final Region DEFAULT_REGION = Region.US_EAST_1;

  public S3ClientSettings {
    if (region == null) {
      throw new NullPointerException("region == null");
    }
  }

  /**
   * Reads the settings from endpoint options ({@code s3-region}, {@code s3-endpoint}, {@code
   * s3-path-style}) and the environment.
   *
   * @throws IllegalArgumentException naming the option or variable whose value is malformed
   */
  public static S3ClientSettings from(Map<String, String> options, Map<String, String> env) {
    String regionName = first(options.get("s3-region"), env.get("AWS_REGION"));
    Region region = regionName == null ? DEFAULT_REGION : Region.of(regionName);

    String endpointName = "s3-endpoint";
    String endpointText = options.get(endpointName);
    if (blank(endpointText)) {
      endpointName = "AWS_ENDPOINT_URL_S3";
      endpointText = env.get(endpointName);
    }
    if (blank(endpointText)) {
      endpointName = "AWS_ENDPOINT_URL";
      endpointText = env.get(endpointName);
    }
    URI endpoint = blank(endpointText) ? null : parseEndpoint(endpointName, endpointText);

    String pathStyleText = options.get("s3-path-style");
    boolean pathStyle;
    if (pathStyleText == null) {
      pathStyle = endpoint != null;
    } else if (pathStyleText.isEmpty() || pathStyleText.equalsIgnoreCase("true")) {
      pathStyle = true;
    } else if (pathStyleText.equalsIgnoreCase("false")) {
      pathStyle = false;
    } else {
      throw new IllegalArgumentException(
          "invalid s3-path-style '" + pathStyleText + "': expected true or false");
    }
    return new S3ClientSettings(region, endpoint, pathStyle);
  }

  /** A client with these settings and the default credentials chain. */
  public S3Client newClient() {
    return newClient(DefaultCredentialsProvider.builder().build());
  }

  /**
   * A synchronous client with these settings, on the Apache HTTP client; safe to call from virtual
   * threads and to share between transfers. Close it when done.
   *
   * <p>Request bodies go as plain bytes, not {@code aws-chunked}: the sink buffers each part and
   * sends its checksum in a header, so no trailer is needed, and the chunked encoding would copy
   * every 128 KiB of payload into fresh arrays (garbage the small heap of the CLI promotes, and
   * CPU). Over HTTPS the payload is then unsigned ({@code UNSIGNED-PAYLOAD}, the checksum protects
   * it); over plain HTTP the SDK signs it with one SHA-256 pass per part.
   *
   * @param interceptors SDK interceptors to add, e.g. for metrics or fault injection in tests
   */
  public S3Client newClient(
      AwsCredentialsProvider credentials, ExecutionInterceptor... interceptors) {
    var builder =
        S3Client.builder()
            .region(region)
            .credentialsProvider(credentials)
            .forcePathStyle(pathStyle)
            .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
            .httpClientBuilder(Apache5HttpClient.builder().maxConnections(MAX_CONNECTIONS))
            .overrideConfiguration(
                c -> {
                  for (ExecutionInterceptor interceptor : interceptors) {
                    c.addExecutionInterceptor(interceptor);
                  }
                });
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  /** Enough connections for several transfers with the default parallelism each. */
  private static final int MAX_CONNECTIONS = 64;

  private static URI parseEndpoint(String name, String text) {
    try {
      URI uri = new URI(text.trim());
      if (uri.getScheme() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "invalid " + name + " '" + text + "': expected http(s)://host[:port]");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "invalid " + name + " '" + text + "': expected http(s)://host[:port]", e);
    }
  }

  private static String first(String a, String b) {
    return !blank(a) ? a.trim() : !blank(b) ? b.trim() : null;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
