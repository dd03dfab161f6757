package dev.sluice.s3.testing;

import dev.sluice.s3.S3ClientSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Starts one s3proxy (in memory) per test run, shared by every test class that uses this extension,
 * and stops it when the run ends. Test methods and constructors may take an {@link
 * S3ProxyExtension.S3} parameter: the server's coordinates and helpers.
 */
public final class S3ProxyExtension implements ParameterResolver {

  /** What a test gets: the endpoint, clients and fresh buckets. */
  public record S3(S3ProxyServer server) {

    /** Endpoint options as the command line passes them. */
    public Map<String, String> options() {
      return Map.of("s3-endpoint", server.endpoint().toString(), "s3-region", "us-east-1");
    }

    /** The settings the options give: path-style, the server's endpoint. */
    public S3ClientSettings settings() {
      return S3ClientSettings.from(options(), Map.of());
    }

    /** A client for the server, with {@code interceptors} (fault injection, counting). */
    public S3Client client(ExecutionInterceptor... interceptors) {
      var credentials =
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(S3ProxyServer.IDENTITY, S3ProxyServer.CREDENTIAL));
      return settings().newClient(credentials, interceptors);
    }

    /** Creates a bucket with a unique name and returns the name. */
    public String newBucket() {
      String bucket = "t-" + UUID.randomUUID().toString().substring(0, 18);
      try (S3Client client = client()) {
        client.createBucket(b -> b.bucket(bucket));
      }
      return bucket;
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == S3.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    S3ProxyServer server =
        context
            .getRoot()
            .getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent(S3ProxyServer.class, key -> start(), S3ProxyServer.class);
    return new S3(server);
  }

  private static S3ProxyServer start() {
    try {
      S3ProxyServer server = S3ProxyServer.start("transient", null);
      // for code that uses the default credentials chain (endpoint providers, the CLI)
      System.setProperty("aws.accessKeyId", S3ProxyServer.IDENTITY);
      System.setProperty("aws.secretAccessKey", S3ProxyServer.CREDENTIAL);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
