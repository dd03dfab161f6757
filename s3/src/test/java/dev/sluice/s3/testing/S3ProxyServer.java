package dev.sluice.s3.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;

/**
 * An s3proxy process (an S3-compatible server) on a free loopback port, started from the jar the
 * build copies into {@code target/s3proxy} (system property {@code s3proxy.jar}) — a separate
 * process, never on the test classpath. Fails loudly when it cannot start.
 */
public final class S3ProxyServer implements AutoCloseable {

  public static final String IDENTITY = "sluice-test";
  public static final String CREDENTIAL = "sluice-test-secret";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final URI endpoint;
  private final Path log;

  private S3ProxyServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
  }

  /**
   * Starts s3proxy with {@code provider} ({@code transient}: in memory; {@code filesystem}: under
   * {@code baseDir}) and waits until it answers HTTP.
   */
  public static S3ProxyServer start(String provider, Path baseDir) throws IOException {
    String jarProperty = System.getProperty("s3proxy.jar");
    if (jarProperty == null || !Files.isRegularFile(Path.of(jarProperty))) {
      throw new IllegalStateException(
          "s3proxy jar not found (system property s3proxy.jar = "
              + jarProperty
              + "); run the tests through Maven, which copies it into s3/target/s3proxy");
    }
    Path jar = Path.of(jarProperty);
    IOException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = freePort();
      try {
        return launch(jar, provider, baseDir, port);
      } catch (IOException e) {
        last = e; // most likely another process took the port meanwhile: try another
      }
    }
    throw new IllegalStateException("s3proxy did not start after 3 attempts", last);
  }

  private static S3ProxyServer launch(Path jar, String provider, Path baseDir, int port)
      throws IOException {
    Path workDir = jar.getParent();
    Path properties = workDir.resolve("s3proxy-" + port + ".properties");
    Path log = workDir.resolve("s3proxy-" + port + ".log");
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    StringBuilder text =
        new StringBuilder()
            .append("s3proxy.endpoint=")
            .append(endpoint)
            .append('\n')
            .append("s3proxy.authorization=aws-v2-or-v4\n")
            .append("s3proxy.identity=" + IDENTITY + "\n")
            .append("s3proxy.credential=" + CREDENTIAL + "\n")
            .append("jclouds.provider=" + provider + "\n")
            .append("jclouds.identity=" + IDENTITY + "\n")
            .append("jclouds.credential=" + CREDENTIAL + "\n");
    if (baseDir != null) {
      text.append("jclouds.filesystem.basedir=").append(baseDir).append('\n');
    }
    Files.writeString(properties, text, StandardCharsets.UTF_8);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx1g",
                    "-XX:+UseSerialGC",
                    "-jar",
                    jar.toString(),
                    "--properties",
                    properties.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    S3ProxyServer server = new S3ProxyServer(process, endpoint, log);
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    try {
      server.awaitReady();
      return server;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void awaitReady() throws IOException {
    try {
      await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100)).until(this::answers);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(
          "s3proxy did not answer on " + endpoint + " within " + START_TIMEOUT + ":\n" + tail());
    }
  }

  /** Whether s3proxy answers HTTP yet; fails if it has exited. */
  private boolean answers() {
    if (!process.isAlive()) {
      throw new UncheckedIOException(
          new IOException(
              "s3proxy exited with " + process.exitValue() + " during start-up:\n" + tail()));
    }
    try {
      HttpURLConnection connection = (HttpURLConnection) endpoint.toURL().openConnection();
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(5000);
      int status = connection.getResponseCode(); // any answer (403 without credentials) will do
      connection.disconnect();
      return status > 0;
    } catch (IOException notYet) {
      return false; // not listening yet
    }
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Where the server listens, e.g. {@code http://127.0.0.1:41234}. */
  public URI endpoint() {
    return endpoint;
  }

  /** The operating-system process id, for memory measurements. */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
