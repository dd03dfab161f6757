import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The {@code /health} probe of bench/abuse.sh, in a process of its own as a load balancer's probe
 * is: {@code GET /health} every 50 ms on one keep-alive connection until its standard input closes,
 * printing one line per probe, {@code STATUS NANOS START_NANOS} (the start relative to the first
 * counted probe). It first sends 20 uncounted requests and prints {@code warm}: the first requests
 * of a new JVM load and compile the client's own classes.
 *
 * <p>Why a separate process: the abuse client's 300 uploads churn its heap, and its collector's
 * pauses (tens of ms) landed in the probe's timings as if the server had been slow. This process
 * allocates almost nothing, so what it times is the server's answer.
 *
 * <p>Usage: java -XX:+UseSerialGC -Xmx16m HealthProbe.java BASE_URL
 */
public class HealthProbe {

  public static void main(String[] args) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(args[0] + "/health"))
            .timeout(Duration.ofSeconds(10))
            .build();
    for (int i = 0; i < 20; i++) {
      client.send(request, HttpResponse.BodyHandlers.discarding());
    }
    System.out.println("warm");
    System.out.flush();
    Thread stdinWatch =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(new InputStreamReader(System.in))) {
                    while (in.readLine() != null) {
                      // nothing is sent; end of input is the signal
                    }
                  } catch (IOException e) {
                    // the parent is gone: stop as well
                  }
                });
    long t0 = System.nanoTime();
    while (stdinWatch.isAlive()) {
      long start = System.nanoTime();
      String status;
      try {
        status = Integer.toString(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
      } catch (IOException e) {
        status = "error-" + e.getClass().getSimpleName();
      }
      System.out.println(status + " " + (System.nanoTime() - start) + " " + (start - t0));
      stdinWatch.join(50);
    }
  }
}
