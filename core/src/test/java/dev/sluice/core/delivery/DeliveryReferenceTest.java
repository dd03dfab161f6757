package dev.sluice.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.Blobs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * For random sizes, limits and {@code Range} headers, the bytes a plan yields equal what a naive,
 * independently written slicer (regular expressions, big integers, a byte mask) says they should.
 */
class DeliveryReferenceTest {

  private static final Pattern INT_RANGE = Pattern.compile("([0-9]+)-([0-9]*)");
  private static final Pattern SUFFIX = Pattern.compile("-([0-9]+)");

  /** What the reference expects: a status and, for 200/206, the byte runs of the body. */
  record Expected(int status, List<long[]> runs) {}

  @Test
  void plansMatchANaiveSlicerOverBytes() throws IOException {
    Random random = new Random(20261126L);
    Map<DeliveryPlan.Kind, Integer> kinds = new EnumMap<>(DeliveryPlan.Kind.class);
    for (int round = 0; round < 3000; round++) {
      int size = randomSize(random);
      byte[] content = new byte[size];
      random.nextBytes(content);
      String header = randomHeader(random, size);
      RangeLimits limits =
          new RangeLimits(1 + random.nextInt(10), random.nextInt(3) * 40, random.nextInt(3));
      RecordingBlob blob = new RecordingBlob(content, 1 + random.nextInt(64));
      kinds.merge(check(content, header, limits, blob, random, round), 1, Integer::sum);
      assertThat(blob.openChannels).as("every opened channel is closed").isZero();
      assertThat(blob.bytesRead)
          .as("only the bytes sent are read, for %s of %d", header, size)
          .isEqualTo(blob.opened.stream().mapToLong(ByteRange::length).sum());
    }
    assertThat(kinds)
        .as("the random headers reach every outcome often")
        .allSatisfy((kind, count) -> assertThat(count).as(kind.name()).isGreaterThan(150))
        .containsOnlyKeys(
            DeliveryPlan.Kind.FULL,
            DeliveryPlan.Kind.PARTIAL,
            DeliveryPlan.Kind.MULTIPART,
            DeliveryPlan.Kind.NOT_SATISFIABLE);
  }

  @Test
  void plansMatchANaiveSlicerOverFiles(@TempDir Path dir) throws IOException {
    Random random = new Random(7L);
    for (int round = 0; round < 150; round++) {
      int size = randomSize(random);
      byte[] content = new byte[size];
      random.nextBytes(content);
      Path file = dir.resolve("f" + round);
      Files.write(file, content);
      String header = randomHeader(random, size);
      RangeLimits limits = new RangeLimits(1 + random.nextInt(10), random.nextInt(3) * 40, 1);
      check(content, header, limits, Blobs.file(file), random, round);
    }
  }

  private static DeliveryPlan.Kind check(
      byte[] content, String header, RangeLimits limits, Blob blob, Random random, int round)
      throws IOException {
    Expected expected = reference(header, content.length, limits);
    DeliveryPlan plan = Delivery.of(limits).plan(DeliveryRequest.get(header), blob);
    String context = "round " + round + ": " + header + " of " + content.length + " with " + limits;
    assertThat(plan.status()).as(context).isEqualTo(expected.status());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    plan.writeBody(blob, Channels.newChannel(out), ByteBuffer.allocate(1 + random.nextInt(100)));
    byte[] body = out.toByteArray();
    assertThat((long) body.length).as(context).isEqualTo(plan.contentLength());
    assertThat(plan.headers().get("Content-Length"))
        .as(context)
        .isEqualTo(plan.status() == 416 ? "0" : Long.toString(body.length));

    List<long[]> runs = expected.runs();
    switch (plan.kind()) {
      case FULL -> assertThat(body).as(context).isEqualTo(content);
      case NOT_SATISFIABLE -> {
        assertThat(body).isEmpty();
        assertThat(plan.contentRange()).contains("bytes */" + content.length);
      }
      case PARTIAL -> {
        assertThat(runs).as(context).hasSize(1);
        long[] run = runs.get(0);
        assertThat(body).as(context).isEqualTo(slice(content, run));
        assertThat(plan.contentRange())
            .contains("bytes " + run[0] + "-" + run[1] + "/" + content.length);
      }
      case MULTIPART -> assertMultipart(plan, body, content, runs, context);
      default -> throw new AssertionError(context + ": " + plan);
    }
    return plan.kind();
  }

  private static void assertMultipart(
      DeliveryPlan plan, byte[] body, byte[] content, List<long[]> runs, String context) {
    assertThat(runs).as(context).hasSizeGreaterThan(1);
    String type = plan.contentType().orElseThrow();
    String boundary = type.substring("multipart/byteranges; boundary=".length());
    String text = new String(body, StandardCharsets.ISO_8859_1);
    StringBuilder expected = new StringBuilder();
    for (int k = 0; k < runs.size(); k++) {
      long[] run = runs.get(k);
      expected
          .append(k == 0 ? "" : "\r\n")
          .append("--")
          .append(boundary)
          .append("\r\nContent-Type: application/x-test\r\n")
          .append("Content-Range: bytes ")
          .append(run[0])
          .append('-')
          .append(run[1])
          .append('/')
          .append(content.length)
          .append("\r\n\r\n")
          .append(new String(slice(content, run), StandardCharsets.ISO_8859_1));
    }
    expected.append("\r\n--").append(boundary).append("--\r\n");
    String want = expected.toString();
    if (!plan.headers().get("Content-Type").equals(type)) {
      throw new AssertionError(context);
    }
    // a file blob guesses no type: compare with the part type replaced
    String got =
        text.replace("Content-Type: application/octet-stream", "Content-Type: application/x-test");
    assertThat(got).as(context).isEqualTo(want);
  }

  private static byte[] slice(byte[] content, long[] run) {
    return Arrays.copyOfRange(content, (int) run[0], (int) run[1] + 1);
  }

  /** The naive model of RFC 9110 §14 plus the documented limits. */
  static Expected reference(String header, int size, RangeLimits limits) {
    Expected full = new Expected(200, size == 0 ? List.of() : List.of(new long[] {0, size - 1}));
    String value = header.replaceAll("^[ \t]+|[ \t]+$", "");
    if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
      return full;
    }
    String[] elements = value.substring(6).split(",", -1);
    List<BigInteger[]> specs = new ArrayList<>(); // {first, last or null} or {null, suffix}
    for (int k = 0; k < elements.length; k++) {
      String element = elements[k];
      String inner = element.replaceAll("^[ \t]+|[ \t]+$", "");
      boolean leading = !inner.isEmpty() && !element.startsWith(inner);
      boolean trailing = !inner.isEmpty() && !element.endsWith(inner);
      if ((leading && k == 0) || (trailing && k == elements.length - 1)) {
        return full; // whitespace is allowed only next to a comma
      }
      if (inner.isEmpty()) {
        continue;
      }
      Matcher range = INT_RANGE.matcher(inner);
      Matcher suffix = SUFFIX.matcher(inner);
      if (range.matches()) {
        BigInteger first = new BigInteger(range.group(1));
        BigInteger last = range.group(2).isEmpty() ? null : new BigInteger(range.group(2));
        if (last != null && last.compareTo(first) < 0) {
          return full;
        }
        specs.add(new BigInteger[] {first, last});
      } else if (suffix.matches()) {
        specs.add(new BigInteger[] {null, new BigInteger(suffix.group(1))});
      } else {
        return full;
      }
    }
    if (specs.isEmpty() || specs.size() > limits.maxRanges()) {
      return full;
    }
    BigInteger big = BigInteger.valueOf(size);
    if (size == 0) {
      boolean suffix = specs.stream().anyMatch(s -> s[0] == null && s[1].signum() > 0);
      return suffix ? full : new Expected(416, List.of());
    }
    List<long[]> satisfiable = new ArrayList<>();
    for (BigInteger[] spec : specs) {
      if (spec[0] == null) {
        if (spec[1].signum() > 0) {
          long length = spec[1].min(big).longValue();
          satisfiable.add(new long[] {size - length, size - 1});
        }
      } else if (spec[0].compareTo(big) < 0) {
        long last =
            spec[1] == null ? size - 1 : spec[1].min(big.subtract(BigInteger.ONE)).longValue();
        satisfiable.add(new long[] {spec[0].longValue(), last});
      }
    }
    if (satisfiable.isEmpty()) {
      return new Expected(416, List.of());
    }
    satisfiable.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int overlaps = 0;
    for (int i = 1; i < satisfiable.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (satisfiable.get(j)[1] >= satisfiable.get(i)[0]) {
          overlaps++;
          break;
        }
      }
    }
    if (overlaps > limits.maxOverlaps()) {
      return full;
    }
    boolean[] covered = new boolean[size];
    for (long[] run : satisfiable) {
      Arrays.fill(covered, (int) run[0], (int) run[1] + 1, true);
    }
    // fill gaps of at most coalesceGap bytes between two covered bytes
    int lastCovered = -1;
    for (int i = 0; i < size; i++) {
      if (covered[i]) {
        if (lastCovered >= 0 && i - lastCovered - 1 <= limits.coalesceGap()) {
          Arrays.fill(covered, lastCovered + 1, i, true);
        }
        lastCovered = i;
      }
    }
    List<long[]> runs = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      if (covered[i] && (i == 0 || !covered[i - 1])) {
        int j = i;
        while (j + 1 < size && covered[j + 1]) {
          j++;
        }
        runs.add(new long[] {i, j});
      }
    }
    return new Expected(206, runs);
  }

  private static int randomSize(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> random.nextInt(3);
      case 1 -> 1 + random.nextInt(16);
      default -> random.nextInt(3000);
    };
  }

  /** Mostly valid headers around the size, with some whitespace, empty elements and defects. */
  static String randomHeader(Random random, int size) {
    StringBuilder header = new StringBuilder();
    if (random.nextInt(10) == 0) {
      header.append(" \t".charAt(random.nextInt(2)));
    }
    header.append(random.nextInt(8) == 0 ? "Bytes=" : "bytes=");
    List<String> specs = random.nextBoolean() ? disjoint(random, size) : anyRanges(random, size);
    if (random.nextInt(3) == 0) {
      java.util.Collections.shuffle(specs, random);
    }
    for (int k = 0; k < specs.size(); k++) {
      if (k > 0) {
        header.append(random.nextInt(6) == 0 ? " , " : ",");
        if (random.nextInt(30) == 0) {
          header.append(",");
        }
      }
      header.append(specs.get(k));
    }
    if (random.nextInt(10) == 0) {
      header.append(" \t".charAt(random.nextInt(2)));
    }
    return header.toString();
  }

  /** Ranges between sorted cut points, so they neither overlap nor touch. */
  private static List<String> disjoint(Random random, int size) {
    int count = 1 + random.nextInt(8);
    long[] cuts = random.longs(2L * count, 0, size + 2).sorted().toArray();
    List<String> specs = new ArrayList<>();
    for (int k = 0; k + 1 < cuts.length; k += 2) {
      if (k == 0 || cuts[k] > cuts[k - 1]) {
        specs.add(cuts[k] + "-" + cuts[k + 1]);
      }
    }
    if (specs.isEmpty() || random.nextInt(5) == 0) {
      specs.add("-" + (1 + random.nextInt(4)));
    }
    return specs;
  }

  /** Ranges of every form, possibly overlapping, with an occasional defect. */
  private static List<String> anyRanges(Random random, int size) {
    int count = 1 + random.nextInt(random.nextBoolean() ? 3 : 14);
    List<String> specs = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      long a = position(random, size);
      long b = position(random, size);
      specs.add(
          switch (random.nextInt(20)) {
            case 0, 1, 2, 3, 4, 5, 6, 7 -> Math.min(a, b) + "-" + Math.max(a, b);
            case 8, 9 -> a + "-" + Math.min(size + 5L, a + random.nextInt(10));
            case 10, 11, 12 -> a + "-";
            case 13, 14, 15, 16 -> "-" + (random.nextInt(12) == 0 ? 0 : b);
            case 17 -> size + random.nextInt(5) + "-";
            default -> random.nextInt(4) == 0 ? defect(random) : "-" + b;
          });
    }
    return specs;
  }

  private static long position(Random random, int size) {
    return switch (random.nextInt(12)) {
      case 0 -> size;
      case 1 -> size + random.nextInt(100);
      case 2 -> Long.MAX_VALUE;
      default -> random.nextInt(size + 1);
    };
  }

  private static String defect(Random random) {
    String[] defects = {
      "5-1",
      "x",
      "1 -2",
      "--1",
      "-",
      "1-2-3",
      "99999999999999999999999-",
      "0-99999999999999999999999",
      "-99999999999999999999999",
      "",
      " ",
      "1-",
      "0-0"
    };
    return defects[random.nextInt(defects.length)];
  }
}
