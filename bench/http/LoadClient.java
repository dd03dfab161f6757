import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator of bench/http.sh for many concurrent downloads: N virtual threads, each a
 * blocking socket reading one response to its end (so the client holds no more than a socket
 * buffer and a small array per download). A download answered {@code 503} waits its {@code
 * Retry-After} and asks again, as a well-behaved client does (the server refuses what it cannot
 * admit rather than queue it). Prints one line: ok, failed, retried (503s waited out), wall seconds,
 * per-download seconds p50/max (from the first attempt), total MiB.
 *
 * <p>Usage: java LoadClient.java PORT PATH N EXPECTED_BYTES
 */
public class LoadClient {

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String path = args[1];
    int n = Integer.parseInt(args[2]);
    long expected = Long.parseLong(args[3]);
    List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
    AtomicLong bytes = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicLong retried = new AtomicLong();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    long t0 = System.nanoTime();
                    try {
                      long got;
                      while ((got = download(port, path)) < 0) {
                        retried.incrementAndGet();
                        Thread.sleep(-got * 1000);
                      }
                      bytes.addAndGet(got);
                      if (got != expected) {
                        failed.incrementAndGet();
                      } else {
                        nanos.add(System.nanoTime() - t0);
                      }
                    } catch (IOException | InterruptedException e) {
                      failed.incrementAndGet();
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double wall = (System.nanoTime() - start) / 1e9;
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    double p50 = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2) / 1e9;
    double max = sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e9;
    System.out.printf(
        "ok=%d failed=%d retried=%d wall_s=%.1f p50_s=%.1f max_s=%.1f mib=%.0f%n",
        sorted.size(), failed.get(), retried.get(), wall, p50, max, bytes.get() / 1048576.0);
  }

  /**
   * GETs {@code path} with Connection: close; returns the body bytes read, or minus the seconds of
   * {@code Retry-After} when the answer is {@code 503}.
   */
  static long download(int port, String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[16 * 1024];
      int matched = 0;
      long body = 0;
      boolean inBody = false;
      StringBuilder head = new StringBuilder();
      int n;
      while ((n = in.read(buffer)) > 0) {
        int i = 0;
        if (!inBody) {
          for (; i < n && matched < 4; i++) {
            char c = (char) buffer[i];
            head.append(c);
            matched = (c == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (c == '\r' ? 1 : 0);
          }
          if (matched < 4) {
            continue;
          }
          inBody = true;
          if (head.toString().startsWith("HTTP/1.1 503")) {
            java.util.regex.Matcher retry =
                java.util.regex.Pattern.compile("(?i)\r\nRetry-After: *(\\d+)").matcher(head);
            return retry.find() ? -Math.max(1, Long.parseLong(retry.group(1))) : -1;
          }
        }
        body += n - i;
      }
      return body;
    }
  }
}
