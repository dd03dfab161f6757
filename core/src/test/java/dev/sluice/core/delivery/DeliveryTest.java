package dev.sluice.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.Blobs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryTest {

  static final Instant MODIFIED = Instant.parse("2026-11-01T10:00:00.250Z");
  static final String DATE = "Sun, 01 Nov 2026 10:00:00 GMT";
  static final Blob BLOB =
      Blobs.of(
          "0123456789abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII),
          "\"v1\"",
          MODIFIED,
          "text/plain");

  /** The default limits but no coalescing, so that small ranges of a small blob stay apart. */
  static final RangeLimits NO_GAP = new RangeLimits(32, 0, 1);

  final Delivery delivery =
      Delivery.of(NO_GAP, Clock.fixed(Instant.parse("2026-11-26T00:00:00Z"), ZoneOffset.UTC));

  DeliveryPlan get(String range) {
    return delivery.plan(DeliveryRequest.get(range), BLOB);
  }

  DeliveryPlan plan(String method, Map<String, String> headers) {
    return delivery.plan(DeliveryRequest.from(method, headers::get), BLOB);
  }

  static String body(DeliveryPlan plan, Blob blob) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    plan.writeBody(blob, Channels.newChannel(out), ByteBuffer.allocate(3));
    assertThat(out.size()).isEqualTo(plan.contentLength());
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void noRangeGivesTheWholeRepresentation() throws IOException {
    DeliveryPlan plan = get(null);
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.FULL);
    assertThat(plan.status()).isEqualTo(200);
    assertThat(plan.headers())
        .containsExactly(
            entry("Accept-Ranges", "bytes"),
            entry("ETag", "\"v1\""),
            entry("Last-Modified", DATE),
            entry("Content-Type", "text/plain"),
            entry("Content-Length", "36"));
    assertThat(body(plan, BLOB)).isEqualTo("0123456789abcdefghijklmnopqrstuvwxyz");
    assertThat(plan.note()).isEmpty();
  }

  @Test
  void aSingleRangeGivesPartialContent() throws IOException {
    DeliveryPlan plan = get("bytes=10-12");
    assertThat(plan.status()).isEqualTo(206);
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.PARTIAL);
    assertThat(plan.headers())
        .containsExactly(
            entry("Accept-Ranges", "bytes"),
            entry("ETag", "\"v1\""),
            entry("Last-Modified", DATE),
            entry("Content-Type", "text/plain"),
            entry("Content-Range", "bytes 10-12/36"),
            entry("Content-Length", "3"));
    assertThat(body(plan, BLOB)).isEqualTo("abc");
  }

  @Test
  void aSuffixRangeGivesTheLastBytes() throws IOException {
    DeliveryPlan plan = get("bytes=-3");
    assertThat(plan.contentRange()).contains("bytes 33-35/36");
    assertThat(body(plan, BLOB)).isEqualTo("xyz");
  }

  @Test
  void aSuffixLongerThanTheRepresentationGivesAllOfIt() throws IOException {
    DeliveryPlan plan = get("bytes=-1000");
    assertThat(plan.status()).isEqualTo(206);
    assertThat(plan.contentRange()).contains("bytes 0-35/36");
  }

  @Test
  void anOpenEndedRangeRunsToTheEnd() throws IOException {
    DeliveryPlan plan = get("bytes=30-");
    assertThat(plan.contentRange()).contains("bytes 30-35/36");
    assertThat(body(plan, BLOB)).isEqualTo("uvwxyz");
  }

  @Test
  void aLastByteBeyondTheEndIsClamped() throws IOException {
    DeliveryPlan plan = get("bytes=34-99999999999999999999999");
    assertThat(plan.contentRange()).contains("bytes 34-35/36");
    assertThat(body(plan, BLOB)).isEqualTo("yz");
  }

  @Test
  void severalRangesGiveAMultipartBodyWithExactLength() throws IOException {
    DeliveryPlan plan = get("bytes=0-1, 30-31");
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.MULTIPART);
    assertThat(plan.status()).isEqualTo(206);
    String type = plan.contentType().orElseThrow();
    assertThat(type).matches("multipart/byteranges; boundary=sluice-[0-9a-f]{24}");
    String boundary = type.substring(type.indexOf('=') + 1);
    String expected =
        "--"
            + boundary
            + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/36\r\n\r\n01\r\n--"
            + boundary
            + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 30-31/36\r\n\r\nuv\r\n--"
            + boundary
            + "--\r\n";
    assertThat(body(plan, BLOB)).isEqualTo(expected);
    assertThat(plan.contentLength()).isEqualTo(expected.length());
    assertThat(plan.headers())
        .containsExactly(
            entry("Accept-Ranges", "bytes"),
            entry("ETag", "\"v1\""),
            entry("Last-Modified", DATE),
            entry("Content-Type", type),
            entry("Content-Length", Integer.toString(expected.length())));
    assertThat(plan.contentRange()).isEmpty();
  }

  @Test
  void eachMultipartResponseHasItsOwnBoundary() {
    assertThat(get("bytes=0-0,20-20").contentType())
        .isNotEqualTo(get("bytes=0-0,20-20").contentType());
  }

  @Test
  void rangesAreSortedAndOverlappingOrAdjacentOnesMerged() {
    RangeLimits exact = new RangeLimits(32, 0, 1);
    Delivery strict = Delivery.of(exact);
    assertThat(strict.plan(DeliveryRequest.get("bytes=20-25,0-4,3-8"), BLOB).ranges())
        .containsExactly(new ByteRange(0, 8), new ByteRange(20, 25));
    assertThat(strict.plan(DeliveryRequest.get("bytes=5-9,0-4"), BLOB).ranges())
        .containsExactly(new ByteRange(0, 9));
    assertThat(strict.plan(DeliveryRequest.get("bytes=0-4,6-9"), BLOB).ranges())
        .containsExactly(new ByteRange(0, 4), new ByteRange(6, 9));
  }

  @Test
  void rangesWithinTheCoalesceGapAreMerged() {
    Delivery gap2 = Delivery.of(new RangeLimits(32, 2, 1));
    assertThat(gap2.plan(DeliveryRequest.get("bytes=0-4,7-9"), BLOB).ranges())
        .containsExactly(new ByteRange(0, 9));
    assertThat(gap2.plan(DeliveryRequest.get("bytes=0-4,8-9"), BLOB).ranges())
        .containsExactly(new ByteRange(0, 4), new ByteRange(8, 9));
  }

  @Test
  void byDefaultRangesLessThan80BytesApartAreMerged() {
    assertThat(RangeLimits.defaults()).isEqualTo(new RangeLimits(32, 80, 1));
    DeliveryPlan plan = Delivery.defaults().plan(DeliveryRequest.get("bytes=0-1,30-31"), BLOB);
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.PARTIAL);
    assertThat(plan.contentRange()).contains("bytes 0-31/36");
  }

  @Test
  void rangesThatMergeIntoOneGiveASinglePart() {
    DeliveryPlan plan = get("bytes=0-3,2-5");
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.PARTIAL);
    assertThat(plan.contentRange()).contains("bytes 0-5/36");
  }

  @Test
  void unsatisfiablePartsAreDroppedAndTheRestServed() throws IOException {
    DeliveryPlan plan = get("bytes=100-200, 1-2, 36-");
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.PARTIAL);
    assertThat(body(plan, BLOB)).isEqualTo("12");
  }

  @Test
  void noSatisfiableRangeGives416WithTheSize() throws IOException {
    DeliveryPlan plan = get("bytes=36-, 100-200, -0");
    assertThat(plan.status()).isEqualTo(416);
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.NOT_SATISFIABLE);
    assertThat(plan.headers())
        .containsExactly(
            entry("Accept-Ranges", "bytes"),
            entry("Content-Range", "bytes */36"),
            entry("Content-Length", "0"));
    assertThat(plan.contentLength()).isZero();
    assertThat(body(plan, BLOB)).isEmpty();
    assertThat(plan.note()).isEqualTo("no range overlaps the 36 bytes");
  }

  @Test
  void anInvalidRangeIsIgnored() throws IOException {
    DeliveryPlan plan = get("bytes=5-1");
    assertThat(plan.status()).isEqualTo(200);
    assertThat(plan.note()).isEqualTo("Range ignored: not a valid bytes range");
    assertThat(body(plan, BLOB)).hasSize(36);
  }

  @Test
  void anotherUnitIsIgnored() {
    assertThat(get("items=0-1").kind()).isEqualTo(DeliveryPlan.Kind.FULL);
  }

  @Test
  void moreRangesThanTheLimitAreIgnored() {
    Delivery capped = Delivery.of(new RangeLimits(3, 0, 1));
    DeliveryPlan plan = capped.plan(DeliveryRequest.get("bytes=0-0,2-2,4-4,6-6"), BLOB);
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.FULL);
    assertThat(plan.note()).isEqualTo("Range ignored: 4 ranges exceed the limit of 3");
    assertThat(capped.plan(DeliveryRequest.get("bytes=0-0,2-2,4-4"), BLOB).ranges()).hasSize(3);
  }

  @Test
  void manyOverlappingRangesAreIgnored() {
    DeliveryPlan plan = get("bytes=0-10,1-11,2-12");
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.FULL);
    assertThat(plan.note())
        .isEqualTo("Range ignored: 2 ranges overlap others, more than the limit of 1");
    assertThat(get("bytes=0-10,1-11").kind()).isEqualTo(DeliveryPlan.Kind.PARTIAL);
  }

  @Test
  void tenThousandRangesAreIgnoredQuickly() {
    StringBuilder header = new StringBuilder("bytes=");
    for (int i = 0; i < 10_000; i++) {
      header.append(i == 0 ? "" : ",").append("0-0");
    }
    DeliveryPlan plan = get(header.toString());
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.FULL);
    assertThat(plan.note()).isEqualTo("Range ignored: 10000 ranges exceed the limit of 32");
  }

  @Test
  void headIgnoresRange() {
    DeliveryPlan plan = plan("HEAD", Map.of("Range", "bytes=0-1"));
    assertThat(plan.kind()).isEqualTo(DeliveryPlan.Kind.FULL);
    assertThat(plan.headers()).containsEntry("Content-Length", "36");
    assertThat(plan.note()).isEqualTo("Range ignored: ranges apply to GET only");
  }

  @Test
  void anEmptyRepresentation() throws IOException {
    Blob empty = Blobs.of(new byte[0], "\"e\"", MODIFIED, "text/plain");
    DeliveryPlan full = delivery.plan(DeliveryRequest.get(null), empty);
    assertThat(full.headers()).containsEntry("Content-Length", "0");
    assertThat(full.ranges()).isEmpty();
    assertThat(body(full, empty)).isEmpty();
    assertThat(delivery.plan(DeliveryRequest.get("bytes=0-"), empty).status()).isEqualTo(416);
    assertThat(delivery.plan(DeliveryRequest.get("bytes=0-"), empty).contentRange())
        .contains("bytes */0");
    DeliveryPlan suffix = delivery.plan(DeliveryRequest.get("bytes=-5"), empty);
    assertThat(suffix.status()).isEqualTo(200);
    assertThat(suffix.note()).isEqualTo("Range ignored: the representation is empty");
  }

  @Test
  void ifNoneMatchWithTheCurrentTagGives304WithOnlyTheTag() {
    DeliveryPlan plan = plan("GET", Map.of("If-None-Match", "W/\"x\", W/\"v1\""));
    assertThat(plan.status()).isEqualTo(304);
    assertThat(plan.headers()).containsExactly(entry("ETag", "\"v1\""));
    assertThat(plan.contentLength()).isZero();
  }

  @Test
  void ifMatchWithAnotherTagGives412() {
    DeliveryPlan plan = plan("GET", Map.of("If-Match", "\"v0\"", "Range", "bytes=0-1"));
    assertThat(plan.status()).isEqualTo(412);
    assertThat(plan.headers()).isEmpty();
  }

  @Test
  void ifRangeWithTheCurrentStrongTagHonoursTheRange() {
    assertThat(plan("GET", Map.of("Range", "bytes=0-1", "If-Range", "\"v1\"")).status())
        .isEqualTo(206);
  }

  @Test
  void ifRangeWithAnotherTagServesEverything() {
    DeliveryPlan plan = plan("GET", Map.of("Range", "bytes=0-1", "If-Range", "\"v0\""));
    assertThat(plan.status()).isEqualTo(200);
    assertThat(plan.note()).isEqualTo("Range ignored: If-Range does not match");
  }

  @Test
  void ifRangeWithAWeakTagNeverMatches() {
    assertThat(plan("GET", Map.of("Range", "bytes=0-1", "If-Range", "W/\"v1\"")).status())
        .isEqualTo(200);
  }

  @Test
  void ifRangeWithTheExactLastModifiedDateHonoursTheRange() {
    assertThat(plan("GET", Map.of("Range", "bytes=0-1", "If-Range", DATE)).status()).isEqualTo(206);
    assertThat(
            plan("GET", Map.of("Range", "bytes=0-1", "If-Range", "Sun, 01 Nov 2026 10:00:01 GMT"))
                .status())
        .isEqualTo(200);
  }

  @Test
  void ifRangeWithADateOfATooRecentChangeIsWeak() {
    Delivery atChange = Delivery.of(NO_GAP, Clock.fixed(MODIFIED.plusMillis(500), ZoneOffset.UTC));
    DeliveryPlan plan =
        atChange.plan(
            DeliveryRequest.from("GET", Map.of("Range", "bytes=0-1", "If-Range", DATE)::get), BLOB);
    assertThat(plan.status()).isEqualTo(200);
  }

  @Test
  void ifRangeIsEvaluatedAfterTheOtherConditionals() {
    DeliveryPlan plan =
        plan("GET", Map.of("Range", "bytes=0-1", "If-Range", "\"v0\"", "If-None-Match", "\"v1\""));
    assertThat(plan.status()).isEqualTo(304);
  }

  @Test
  void printsStatusKindAndRanges() {
    assertThat(get("bytes=0-1,10-11")).hasToString("206 MULTIPART [0-1, 10-11] of 36");
    assertThat(List.of(get(null).kind())).containsExactly(DeliveryPlan.Kind.FULL);
  }

  @Test
  void aLenderThatGrantsLessThanWantedGetsEachBufferBackBeforeLendingTheNext() throws IOException {
    DeliveryPlan plan = get("bytes=0-4, 20-35");
    List<Long> wanted = new java.util.ArrayList<>();
    int[] out = {0};
    BufferLender stingy =
        new BufferLender() {
          @Override
          public ByteBuffer borrow(long bytes) {
            assertThat(out[0]).as("buffers out when borrowing").isZero();
            out[0]++;
            wanted.add(bytes);
            return ByteBuffer.allocate(8).limit(2); // grants 2 bytes at a time
          }

          @Override
          public void giveBack(ByteBuffer buffer) {
            out[0]--;
          }
        };
    ByteArrayOutputStream paced = new ByteArrayOutputStream();
    plan.writeBody(BLOB, Channels.newChannel(paced), stingy);

    assertThat(paced.toString(StandardCharsets.ISO_8859_1)).isEqualTo(body(plan, BLOB));
    assertThat(out[0]).isZero();
    // each range asks for what it has left; every read got 2 bytes: 5 -> 3 borrows, 16 -> 8
    assertThat(wanted).startsWith(5L, 3L, 1L, 16L, 14L).hasSize(3 + 8);
  }

  @Test
  void aCopyWhoseWriteFailsDoesNotGiveItsBufferBack() {
    DeliveryPlan plan = get(null);
    List<ByteBuffer> givenBack = new java.util.ArrayList<>();
    BufferLender lender =
        new BufferLender() {
          @Override
          public ByteBuffer borrow(long bytes) {
            return ByteBuffer.allocate(8);
          }

          @Override
          public void giveBack(ByteBuffer buffer) {
            givenBack.add(buffer);
          }
        };
    java.nio.channels.WritableByteChannel failing =
        new java.nio.channels.WritableByteChannel() {
          private int writes;

          @Override
          public int write(ByteBuffer src) throws IOException {
            if (++writes == 2) {
              throw new java.io.InterruptedIOException("interrupted while the write was pending");
            }
            int n = src.remaining();
            src.position(src.limit());
            return n;
          }

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public void close() {}
        };

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> plan.writeBody(BLOB, failing, lender))
        .isInstanceOf(java.io.InterruptedIOException.class);
    assertThat(givenBack).hasSize(1); // the first, written buffer only
  }
}
