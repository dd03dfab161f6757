import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The client of bench/abuse.sh (issue 12): against one {@code sluice serve} on 127.0.0.1, at once
 *
 * <ul>
 *   <li>GETS connections that ask for a large object with a 4 KiB receive buffer, read the status
 *       line and headers, and then never read the body (held until the PUTs are done, plus HOLD
 *       seconds);
 *   <li>PUTS concurrent uploads of PUT_SIZE bytes each (one JDK client, a connection per upload,
 *       {@code Expect: 100-continue} as curl sends for large bodies);
 *   <li>a {@code /health} probe every 50 ms from a process of its own ({@code HealthProbe.java}),
 *       timing each answer;
 * </ul>
 *
 * while it samples the server's fd count and RSS ({@code /proc/PID}) every 100 ms. Then it closes
 * every connection and reports the fd count each second for 5 s, peak RSS ({@code VmHWM}), status
 * counts per request kind, /health p50/p99/max, and whether {@code /jobs} is empty.
 *
 * <p>Usage: java AbuseClient.java PORT SERVER_PID GET_PATH GETS PUTS PUT_SIZE HOLD_SECONDS
 */
public class AbuseClient {

  static final Map<String, AtomicLong> CODES = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    long pid = Long.parseLong(args[1]);
    String getPath = args[2];
    int gets = Integer.parseInt(args[3]);
    int puts = Integer.parseInt(args[4]);
    int putSize = Integer.parseInt(args[5]);
    int hold = Integer.parseInt(args[6]);
    String base = "http://127.0.0.1:" + port;

    long fdBefore = fds(pid);
    Map<String, Long> kindsBefore = fdKinds(pid);
    System.out.printf("before: fd %d, rss %d MiB%n", fdBefore, status(pid, "VmRSS") >> 10);

    // the sampler: fd count and RSS of the server while the clients run
    AtomicLong fdPeak = new AtomicLong();
    AtomicLong rssPeak = new AtomicLong();
    Thread sampler =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      fdPeak.accumulateAndGet(fds(pid), Math::max);
                      rssPeak.accumulateAndGet(status(pid, "VmRSS"), Math::max);
                      Thread.sleep(100);
                    }
                  } catch (InterruptedException | IOException e) {
                    // stopped, or the server is gone
                  }
                });

    // the probe: /health every 50 ms, in a process of its own (HealthProbe.java says why)
    Process probe =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xmx16m",
                Path.of(System.getProperty("abuse.dir", "bench/abuse"), "HealthProbe.java")
                    .toString(),
                base)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    java.io.BufferedReader probeOut =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(probe.getInputStream(), StandardCharsets.US_ASCII));
    if (!"warm".equals(probeOut.readLine())) {
      throw new IllegalStateException("the /health probe did not start");
    }

    // the non-reading downloads
    List<Socket> held = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch headsIn = new CountDownLatch(gets);
    for (int i = 0; i < gets; i++) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  Socket socket = new Socket();
                  socket.setReceiveBufferSize(4096);
                  socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                  socket.setSoTimeout(60_000);
                  held.add(socket);
                  OutputStream out = socket.getOutputStream();
                  out.write(
                      ("GET " + getPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                          .getBytes(StandardCharsets.ISO_8859_1));
                  out.flush();
                  count("get", statusOf(socket.getInputStream()));
                } catch (IOException e) {
                  count("get", "error " + e.getClass().getSimpleName());
                } finally {
                  headsIn.countDown();
                }
              });
    }

    // the uploads
    byte[] body = new byte[putSize];
    new java.util.Random(12).nextBytes(body);
    List<Thread> uploads = new ArrayList<>();
    HttpClient putClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long putStart = System.nanoTime();
    for (int i = 0; i < puts; i++) {
      int n = i;
      uploads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      HttpResponse<Void> r =
                          putClient.send(
                              HttpRequest.newBuilder(URI.create(base + "/objects/abuse/put-" + n))
                                  .expectContinue(true)
                                  .timeout(Duration.ofSeconds(120))
                                  .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                                  .build(),
                              HttpResponse.BodyHandlers.discarding());
                      count("put", Integer.toString(r.statusCode()));
                    } catch (IOException e) {
                      count("put", "error " + e.getClass().getSimpleName());
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    for (Thread t : uploads) {
      t.join();
    }
    putClient.shutdownNow(); // its idle keep-alive connections go with the clients
    double putSeconds = (System.nanoTime() - putStart) / 1e9;
    headsIn.await(60, java.util.concurrent.TimeUnit.SECONDS);
    Thread.sleep(hold * 1000L);

    // the clients go
    probe.getOutputStream().close(); // end of its input: the probe stops
    List<Long> health = new ArrayList<>();
    for (String line; (line = probeOut.readLine()) != null; ) {
      String[] f = line.split(" "); // STATUS NANOS START_NANOS
      long took = Long.parseLong(f[1]);
      health.add(took);
      count("health", f[0]);
      if (took > 100_000_000L) {
        System.out.printf("slow /health: %.0f ms at +%.1f s%n", took / 1e6, Long.parseLong(f[2]) / 1e9);
      }
    }
    probe.waitFor();
    synchronized (held) {
      for (Socket s : held) {
        s.close();
      }
    }
    sampler.interrupt();
    long[] after = new long[5];
    for (int i = 0; i < 5; i++) {
      Thread.sleep(1000);
      after[i] = fds(pid);
    }

    HttpClient client = HttpClient.newHttpClient();
    String jobs =
        client
            .send(
                HttpRequest.newBuilder(URI.create(base + "/jobs")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    boolean jobsEmpty = jobs.replaceAll("\\s", "").contains("\"transfers\":[]");

    List<Long> h = health;
    Collections.sort(h);
    System.out.printf("puts took %.1f s%n", putSeconds);
    System.out.println("status counts: " + new TreeMap<>(CODES));
    System.out.printf(
        "health: %d probes, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        h.size(), pct(h, 0.50), pct(h, 0.99), h.isEmpty() ? 0 : h.get(h.size() - 1) / 1e6);
    System.out.printf(
        "fd: before %d, peak during %d, after the clients went (1..5 s) %s%n",
        fdBefore, fdPeak.get(), java.util.Arrays.toString(after));
    System.out.printf(
        "rss: peak sampled %d MiB, VmHWM %d MiB%n",
        rssPeak.get() >> 10, status(pid, "VmHWM") >> 10);
    System.out.println("jobs empty afterwards: " + jobsEmpty);
    System.out.println("fd kinds before: " + kindsBefore + ", after: " + fdKinds(pid));
    System.exit(0);
  }

  static void count(String kind, String code) {
    CODES.computeIfAbsent(kind + " " + code, k -> new AtomicLong()).incrementAndGet();
  }

  /** Reads the status line and headers; returns the status code. */
  static String statusOf(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      head.append((char) c);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    String line = head.toString();
    return line.length() >= 12 ? line.substring(9, 12) : "closed without answer";
  }

  static double pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
  }

  static long fds(long pid) throws IOException {
    try (Stream<Path> list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      return list.count();
    }
  }

  /** Open fds by kind: socket, pipe, anon_inode, or the file's folder. */
  static Map<String, Long> fdKinds(long pid) throws IOException {
    Map<String, Long> kinds = new TreeMap<>();
    try (Stream<Path> list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : (Iterable<Path>) list::iterator) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue;
        }
        String kind =
            target.contains(":[") || target.startsWith("anon_inode")
                ? target.replaceAll(":.*", "")
                : Path.of(target).getParent() == null ? target : "file";
        kinds.merge(kind, 1L, Long::sum);
      }
    }
    return kinds;
  }

  /** A {@code /proc/PID/status} figure in KiB, e.g. VmRSS or VmHWM. */
  static long status(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
