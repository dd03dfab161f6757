package dev.sluice.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.Blobs;
import dev.sluice.core.delivery.RangeRequest.From;
import dev.sluice.core.delivery.RangeRequest.FromTo;
import dev.sluice.core.delivery.RangeRequest.Spec;
import dev.sluice.core.delivery.RangeRequest.Suffix;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random and hostile {@code Range} headers: parsing and planning never throw, only give the
 * documented outcomes, and allocate in proportion to the header's length, never to its numbers.
 */
class RangeParserFuzzTest {

  private static final Blob BLOB =
      Blobs.of(new byte[1000], "\"f\"", Instant.parse("2026-01-01T00:00:00Z"), "text/plain");
  private static final String ALPHABET = "bytes=BYTES0123456789-,, \t\r\n*;=xX\u0000\u00e9\uffff";

  @Test
  void randomStringsParseToSaneSpecsOrNothing() {
    Random random = new Random(1L);
    int parsed = 0;
    for (int round = 0; round < 200_000; round++) {
      StringBuilder header = new StringBuilder(random.nextInt(4) == 0 ? "" : "bytes=");
      int length = random.nextInt(24);
      for (int k = 0; k < length; k++) {
        header.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      Optional<RangeRequest> result = RangeRequest.parse(header.toString());
      if (result.isPresent()) {
        parsed++;
        assertSane(result.get());
        assertThat(RangeRequest.parse(result.get().toString())).contains(result.get());
      }
      assertThat(plan(header.toString()).status()).isIn(200, 206, 416);
    }
    assertThat(parsed).as("some random strings are valid").isGreaterThan(150);
  }

  @Test
  void randomBytesAsLatin1NeverThrow() {
    Random random = new Random(2L);
    for (int round = 0; round < 50_000; round++) {
      char[] chars = new char[random.nextInt(40)];
      for (int k = 0; k < chars.length; k++) {
        chars[k] = (char) random.nextInt(random.nextBoolean() ? 128 : 65536);
      }
      String header = (random.nextBoolean() ? "bytes=" : "") + new String(chars);
      RangeRequest.parse(header).ifPresent(RangeParserFuzzTest::assertSane);
      assertThat(plan(header).status()).isIn(200, 206, 416);
    }
  }

  @Test
  void hostileHeadersGiveTheDocumentedOutcome() {
    assertThat(plan("bytes=--1").status()).isEqualTo(200);
    assertThat(plan("bytes=-").status()).isEqualTo(200);
    assertThat(plan("bytes=" + ",".repeat(100_000)).status()).isEqualTo(200);
    assertThat(plan("bytes=" + ",".repeat(100_000) + "0-0").status()).isEqualTo(206);
    assertThat(plan("bytes=" + "9".repeat(100_000) + "-").status()).isEqualTo(416);
    assertThat(plan("bytes=0-" + "9".repeat(100_000)).contentRange()).contains("bytes 0-999/1000");
    assertThat(plan("bytes=-" + "9".repeat(100_000)).contentRange()).contains("bytes 0-999/1000");
    assertThat(plan("bytes=9223372036854775807-").status()).isEqualTo(416);
    assertThat(plan("bytes=9223372036854775808-9223372036854775809").status()).isEqualTo(416);
    assertThat(plan("bytes=-9223372036854775808").status()).isEqualTo(206);
    assertThat(plan("bytes=" + "0-0,".repeat(10_000)).note())
        .isEqualTo("Range ignored: 10000 ranges exceed the limit of 32");
    assertThat(plan("bytes=" + "0-999,".repeat(20)).note())
        .isEqualTo("Range ignored: 19 ranges overlap others, more than the limit of 1");
    assertThat(plan("bytes=" + "5-5,".repeat(3)).status()).isEqualTo(200);
  }

  @Test
  void parsingAllocatesByTheHeaderNotByItsNumbers() {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    String huge = "bytes=0-" + "9".repeat(5_000) + ",-" + "9".repeat(5_000);
    for (int warm = 0; warm < 1000; warm++) {
      plan(huge);
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int k = 0; k < 100; k++) {
      plan(huge);
    }
    long perCall = (threads.getCurrentThreadAllocatedBytes() - before) / 100;
    // a few small objects per call; the 10 KB header itself is not even copied
    assertThat(perCall).isLessThan(4_000);
  }

  @Test
  void tenThousandRangesParseInProportionToTheHeader() {
    StringBuilder header = new StringBuilder("bytes=");
    for (int k = 0; k < 10_000; k++) {
      header.append(k).append('-').append(k + 1).append(',');
    }
    RangeRequest request = RangeRequest.parse(header.toString()).orElseThrow();
    assertThat(request.specs()).hasSize(10_000);
    assertThat(request.specs().get(9_999)).isEqualTo(new FromTo(9_999, 10_000));
  }

  private static DeliveryPlan plan(String header) {
    return Delivery.defaults().plan(DeliveryRequest.get(header), BLOB);
  }

  private static void assertSane(RangeRequest request) {
    assertThat(request.specs()).isNotEmpty();
    for (Spec spec : request.specs()) {
      switch (spec) {
        case FromTo r -> assertThat(r.first()).isBetween(0L, r.last());
        case From r -> assertThat(r.first()).isNotNegative();
        case Suffix r -> assertThat(r.length()).isNotNegative();
      }
    }
    assertThat(Set.of(request.toString().split("=")[0])).containsExactly("bytes");
  }
}
