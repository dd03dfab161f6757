package dev.sluice.cli;

import dev.sluice.core.blob.ObjectKeys;
import dev.sluice.http.UrlSigner;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice sign KEY --expires 10m}: prints a link that lets anyone read one object until it
 * expires, signed with HMAC-SHA256 under the server's token.
 */
@Command(
    name = "sign",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Prints an expiring read link for KEY.",
      "The link is signed with the server's token (--token or SLUICE_TOKEN): the server",
      "accepts it for GET/HEAD of that key only.",
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  SLUICE_TOKEN=s3cret sluice sign isos/big.iso --expires 10m",
      "  curl -O \"$(SLUICE_TOKEN=s3cret sluice sign isos/big.iso --expires 1h)\"",
    })
public final class SignCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY", description = "The object key, e.g. isos/big.iso.")
  String key;

  @Option(
      names = "--expires",
      paramLabel = "DURATION",
      required = true,
      converter = DurationConverter.class,
      description = "How long the link is valid, e.g. 10m, 1h, 7d.")
  Duration expires;

  @Option(
      names = "--token",
      paramLabel = "T",
      description = "The server's token (default SLUICE_TOKEN).")
  String token;

  @Option(
      names = "--base-url",
      paramLabel = "URL",
      description =
          "The server's address (default http://SLUICE_BIND:SLUICE_PORT, i.e. http://127.0.0.1:8080).")
  String baseUrl;

  @Override
  public Integer call() {
    String secret = token != null ? token : System.getenv("SLUICE_TOKEN");
    if (secret == null || secret.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "a token is required: pass --token or set SLUICE_TOKEN");
    }
    try {
      ObjectKeys.validate(key);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (expires.isZero() || expires.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--expires must be > 0: " + expires);
    }
    String base = baseUrl != null ? baseUrl : defaultBase();
    String path = new UrlSigner(secret).signedPath(key, Instant.now().plus(expires));
    spec.commandLine().getOut().println(stripSlash(base) + path);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  private static String defaultBase() {
    String bind = System.getenv().getOrDefault("SLUICE_BIND", "127.0.0.1");
    String port = System.getenv().getOrDefault("SLUICE_PORT", "8080");
    return "http://" + bind + ":" + port;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
