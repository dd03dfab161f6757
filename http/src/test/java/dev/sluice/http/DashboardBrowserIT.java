package dev.sluice.http;

import static dev.sluice.http.TestServer.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: Debian's headless Chromium driven by {@code playwright-core}
 * (src/test/browser/dashboard.mjs) against a server with a token and a throttled download running.
 * The screenshot is kept as target/dashboard.png. Without Chromium or Node the test is skipped,
 * unless CI=true, where that fails it.
 */
class DashboardBrowserIT {

  private static final Path SCRIPTS = Path.of("src/test/browser");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Test
  void showsALiveTransferWhoseBytesGrowAndCancelsIt() throws Exception {
    requireTools();
    installPlaywrightCore();
    Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    try (TestServer server = TestServer.start(b -> b.token("s3cret"))) {
      server.put("browser/warm-up.bin", bytes(3 << 20, 1), "Authorization", "Bearer s3cret");
      server.put("browser/big.bin", bytes(8 << 20, 2), "Authorization", "Bearer s3cret");
      CompletableFuture<HttpResponse<byte[]>> download =
          server.client.sendAsync(
              server
                  .request("/objects/browser/big.bin?rate=256KiB")
                  .header("Authorization", "Bearer s3cret")
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());

      Process node =
          command(
                  List.of("node", "dashboard.mjs"),
                  Map.of(
                      "SLUICE_URL", server.server.baseUrl(),
                      "SLUICE_TOKEN", "s3cret",
                      "SLUICE_KEY", "browser/big.bin",
                      "SCREENSHOT", screenshot.toString(),
                      "CHROMIUM", CHROMIUM.toString()))
              .start();
      String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!node.waitFor(90, TimeUnit.SECONDS)) {
        node.destroyForcibly();
        fail("the browser script did not end within 90 s:\n" + output);
      }
      System.out.println(output);
      assertThat(node.exitValue()).as(output).isZero();
      assertThat(output).contains("dashboard: all checks passed");
      assertThat(screenshot).isNotEmptyFile();

      // the cancel cut the throttled download short
      try {
        HttpResponse<byte[]> ended = download.get(10, TimeUnit.SECONDS);
        assertThat(ended.body().length).isLessThan(8 << 20);
      } catch (ExecutionException cutOff) {
        // the client saw the body end early: what a cancelled download looks like
      }
      assertThat(server.metric("sluice_aborts_total{direction=\"download\",reason=\"CANCELLED\"}"))
          .isEqualTo(1);
    }
  }

  private static void requireTools() throws InterruptedException {
    boolean chromium = Files.isExecutable(CHROMIUM);
    boolean node = runs("node", "--version") && runs("npm", "--version");
    if (chromium && node) {
      return;
    }
    String missing =
        (chromium ? "" : "chromium (apt-get install chromium) ") + (node ? "" : "node");
    if ("true".equals(System.getenv("CI"))) {
      fail("the browser test needs " + missing);
    }
    Assumptions.abort("the browser test needs " + missing);
  }

  private static boolean runs(String... command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code npm ci} from the committed lock file, once; never a browser download. */
  private static void installPlaywrightCore() throws Exception {
    if (Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core"))) {
      return;
    }
    Process npm = command(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of()).start();
    String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(npm.waitFor(300, TimeUnit.SECONDS)).as("npm ci ended").isTrue();
    assertThat(npm.exitValue()).as(output).isZero();
  }

  private static ProcessBuilder command(List<String> command, Map<String, String> env) {
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(SCRIPTS.toFile()).redirectErrorStream(true);
    builder.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    builder.environment().putAll(env);
    return builder;
  }
}
